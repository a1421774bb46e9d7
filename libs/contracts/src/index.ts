export * from './lib/event-envelope';
export * from './lib/domain-error';
export * from './lib/projects';
