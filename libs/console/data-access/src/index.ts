export * from './lib/api-client';
export * from './lib/live-events.client';
export * from './lib/project-list';
