/**
 * The one permission map (docs/security.md): the api's global guard checks it on every route and
 * topic; the console uses it to hide what a user may not do. Deny by default: a role has exactly
 * the permissions listed for it here.
 *
 * Roles: `owner` is global (the whole installation); the others are held per project.
 */
export const PROJECT_ROLES = ['admin', 'engineer', 'annotator', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type GlobalRole = 'owner';
export type Role = GlobalRole | ProjectRole;

export const permissions = {
  // projects and membership
  readProject: 'project:read',
  createProject: 'project:create',
  updateProject: 'project:update',
  archiveProject: 'project:archive',
  manageMembers: 'project:members:manage',
  manageApiKeys: 'project:api-keys:manage',
  // live events of a project
  subscribeEvents: 'events:subscribe',
  // configs
  readConfig: 'config:read',
  writeConfig: 'config:write',
  // workflow runs and their logs
  readRun: 'run:read',
  startRun: 'run:start',
  controlRun: 'run:control',
  // annotation
  readAnnotation: 'annotation:read',
  writeAnnotation: 'annotation:write',
  /** Create and manage annotation queues and the label set, adjudicate, see every answer (blind mode aside). */
  manageAnnotation: 'annotation:manage',
  // datasets, training, models
  readDataset: 'dataset:read',
  createDataset: 'dataset:create',
  readTraining: 'training:read',
  startTraining: 'training:start',
  readModel: 'model:read',
  manageModel: 'model:manage',
  // webhooks of a project
  manageWebhooks: 'webhook:manage',
  // audit trail
  readAudit: 'audit:read',
  verifyAudit: 'audit:verify',
  // installation-wide (owner only)
  manageUsers: 'users:manage',
} as const;

export type Permission = (typeof permissions)[keyof typeof permissions];

const ALL: readonly Permission[] = Object.values(permissions);

const VIEWER: readonly Permission[] = [
  permissions.readProject,
  permissions.subscribeEvents,
  permissions.readConfig,
  permissions.readRun,
  permissions.readAnnotation,
  permissions.readDataset,
  permissions.readTraining,
  permissions.readModel,
];

/** Annotators read what they annotate (runs, their logs, configs) and write annotations; no training. */
const ANNOTATOR: readonly Permission[] = [
  permissions.readProject,
  permissions.subscribeEvents,
  permissions.readConfig,
  permissions.readRun,
  permissions.readAnnotation,
  permissions.writeAnnotation,
  permissions.readDataset,
];

const ENGINEER: readonly Permission[] = [
  ...VIEWER,
  permissions.writeAnnotation,
  permissions.manageAnnotation,
  permissions.writeConfig,
  permissions.startRun,
  permissions.controlRun,
  permissions.createDataset,
  permissions.startTraining,
  permissions.manageModel,
];

const ADMIN: readonly Permission[] = [
  ...ENGINEER,
  permissions.updateProject,
  permissions.archiveProject,
  permissions.manageMembers,
  permissions.manageApiKeys,
  permissions.manageWebhooks,
  permissions.readAudit,
  permissions.verifyAudit,
];

const BY_ROLE: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(ALL),
  admin: new Set(ADMIN),
  engineer: new Set(ENGINEER),
  annotator: new Set(ANNOTATOR),
  viewer: new Set(VIEWER),
};

/** Every permission of a role (a copy, sorted). */
export function getPermissions(role: Role): Permission[] {
  return [...BY_ROLE[role]].sort();
}

/** True when any of the roles grants the permission. Unknown roles grant nothing. */
export function hasPermission(roles: Role | readonly Role[] | undefined | null, permission: Permission): boolean {
  if (!roles) return false;
  const list: readonly Role[] = typeof roles === 'string' ? [roles] : roles;
  return list.some((role) => BY_ROLE[role]?.has(permission) ?? false);
}
