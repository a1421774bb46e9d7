// Test helpers for the server processes (not part of the runtime build).
export * from './testing/node-process';
export * from './testing/api-process';
export * from './testing/projection-spec';
export * from './testing/worker-process';
export * from './testing/test-redis';
