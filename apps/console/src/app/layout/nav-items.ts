import { permissions, type Permission } from '@camel/contracts';
import type { PermissionScope } from '../core/auth.guards';

export interface NavItem {
  readonly label: string;
  readonly path: string;
  /** Shown (and its route allowed) only with this permission. */
  readonly requires?: { readonly permission: Permission; readonly scope: Exclude<PermissionScope, 'project'> };
}

const anywhere = (permission: Permission) => ({ permission, scope: 'anywhere' as const });

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', path: 'home' },
  { label: 'Projects', path: 'projects' },
  { label: 'Configs', path: 'configs', requires: anywhere(permissions.readConfig) },
  { label: 'Runs', path: 'runs', requires: anywhere(permissions.readRun) },
  { label: 'Logs', path: 'logs', requires: anywhere(permissions.readRun) },
  { label: 'Annotate', path: 'annotate', requires: anywhere(permissions.readAnnotation) },
  { label: 'Queues', path: 'queues', requires: anywhere(permissions.manageAnnotation) },
  { label: 'Datasets', path: 'datasets', requires: anywhere(permissions.readDataset) },
  { label: 'Training', path: 'training', requires: anywhere(permissions.readTraining) },
  { label: 'Models', path: 'models', requires: anywhere(permissions.readModel) },
  { label: 'Admin', path: 'admin', requires: { permission: permissions.manageUsers, scope: 'global' } },
  { label: 'Audit', path: 'audit', requires: anywhere(permissions.readAudit) },
  // Not 'health': /health/* belongs to the api, so a reload there would never reach the console.
  { label: 'Health', path: 'status' },
];
