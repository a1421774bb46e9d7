export * from './lib/api-client';
export * from './lib/live-events.client';
export * from './lib/project-list';
export * from './lib/user-list';
export * from './lib/api-key-list';
export * from './lib/member-list';
export * from './lib/audit-entries';
export * from './lib/me-permissions';
