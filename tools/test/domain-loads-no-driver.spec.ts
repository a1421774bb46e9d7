// The domain libs and the kernel are pure: loading them must not load a database driver (they run in
// the console's tests, in the worker's sandboxed processes and in the CLI without a database).
const loaded: string[] = [];
jest.mock('pg', () => {
  loaded.push('pg');
  return {};
});
jest.mock('sqlite3', () => {
  loaded.push('sqlite3');
  return {};
});

describe('pure libraries load no database driver', () => {
  beforeEach(() => {
    jest.resetModules();
    loaded.length = 0;
  });

  it.each(['@camel/kernel', '@camel/projects', '@camel/identity', '@camel/configs', '@camel/workflows', '@camel/annotations', '@camel/datasets', '@camel/webhooks', '@camel/training', '@camel/ml', '@camel/models'])('%s', (lib) => {
    jest.isolateModules(() => {
      const exports = require(lib) as Record<string, unknown>;
      expect(Object.keys(exports).length).toBeGreaterThan(0);
    });
    expect(loaded).toEqual([]);
  });

  it('the check itself notices a driver (the event store loads both)', () => {
    jest.isolateModules(() => require('@camel/event-store'));
    expect(loaded.sort()).toEqual(['pg', 'sqlite3']);
  });
});
