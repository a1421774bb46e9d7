export interface NavItem {
  readonly label: string;
  readonly path: string;
  /** Built by a later issue: the route shows the shared placeholder page until then. */
  readonly placeholder: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Projects', path: 'projects', placeholder: false },
  { label: 'Configs', path: 'configs', placeholder: true },
  { label: 'Runs', path: 'runs', placeholder: true },
  { label: 'Logs', path: 'logs', placeholder: true },
  { label: 'Annotate', path: 'annotate', placeholder: true },
  { label: 'Datasets', path: 'datasets', placeholder: true },
  { label: 'Training', path: 'training', placeholder: true },
  { label: 'Models', path: 'models', placeholder: true },
  { label: 'Admin', path: 'admin', placeholder: true },
  { label: 'Audit', path: 'audit', placeholder: true },
  // Not 'health': /health/* belongs to the api, so a reload there would never reach the console.
  { label: 'Health', path: 'status', placeholder: false },
];
