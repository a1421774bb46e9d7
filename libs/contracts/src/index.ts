export * from './lib/event-envelope';
export * from './lib/domain-error';
export * from './lib/projects';
export * from './lib/live-events';
export * from './lib/health';
export * from './lib/permissions';
export * from './lib/identity';
export * from './lib/configs';
