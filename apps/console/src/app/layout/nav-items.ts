import { permissions, type Permission } from '@camel/contracts';
import type { PermissionScope } from '../core/auth.guards';

export interface NavItem {
  readonly label: string;
  readonly path: string;
  /** Not built yet: the route shows the shared placeholder page. */
  readonly placeholder: boolean;
  /** Shown (and its route allowed) only with this permission. */
  readonly requires?: { readonly permission: Permission; readonly scope: Exclude<PermissionScope, 'project'> };
}

const anywhere = (permission: Permission) => ({ permission, scope: 'anywhere' as const });

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', path: 'home', placeholder: false },
  { label: 'Projects', path: 'projects', placeholder: false },
  { label: 'Configs', path: 'configs', placeholder: false, requires: anywhere(permissions.readConfig) },
  { label: 'Runs', path: 'runs', placeholder: false, requires: anywhere(permissions.readRun) },
  { label: 'Logs', path: 'logs', placeholder: false, requires: anywhere(permissions.readRun) },
  { label: 'Annotate', path: 'annotate', placeholder: false, requires: anywhere(permissions.readAnnotation) },
  { label: 'Queues', path: 'queues', placeholder: false, requires: anywhere(permissions.manageAnnotation) },
  { label: 'Datasets', path: 'datasets', placeholder: false, requires: anywhere(permissions.readDataset) },
  { label: 'Training', path: 'training', placeholder: true, requires: anywhere(permissions.readTraining) },
  { label: 'Models', path: 'models', placeholder: true, requires: anywhere(permissions.readModel) },
  { label: 'Admin', path: 'admin', placeholder: false, requires: { permission: permissions.manageUsers, scope: 'global' } },
  { label: 'Audit', path: 'audit', placeholder: false, requires: anywhere(permissions.readAudit) },
  // Not 'health': /health/* belongs to the api, so a reload there would never reach the console.
  { label: 'Health', path: 'status', placeholder: false },
];
