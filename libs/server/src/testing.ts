// Test helpers for the server processes (not part of the runtime build).
export * from './testing/api-process';
export * from './testing/projection-spec';
