import { createTestStoreLocation, ENGINES, type TestStoreLocation } from '../../testing';
import type { EventStore } from '../types';
import { migrate, MigrationError, type Migration } from './migrator';

const v1: Migration = { version: 1, name: 'widgets', sql: 'CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT)' };
const v2: Migration = { version: 2, name: 'widget colour', sql: 'ALTER TABLE widgets ADD COLUMN colour TEXT' };

describe.each(ENGINES)('migrate on %s', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;
  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
  });
  afterEach(() => location.dispose());

  it('applies pending migrations in order, once', async () => {
    expect(await migrate(store.db, 'widgets', [v1])).toEqual({ scope: 'widgets', applied: [1], current: 1 });
    expect(await migrate(store.db, 'widgets', [v1, v2])).toEqual({ scope: 'widgets', applied: [2], current: 2 });
    expect(await migrate(store.db, 'widgets', [v1, v2])).toEqual({ scope: 'widgets', applied: [], current: 2 });
    await store.db.query(`INSERT INTO widgets (id, name, colour) VALUES (1, 'a', 'red')`);
  });

  it('refuses to start when a shipped migration was edited', async () => {
    await migrate(store.db, 'widgets', [v1]);
    const edited = { ...v1, sql: 'CREATE TABLE widgets (id INTEGER PRIMARY KEY)' };
    await expect(migrate(store.db, 'widgets', [edited])).rejects.toThrow(/migration 1 \(widgets\) was edited/);
  });

  it('refuses a database newer than the code', async () => {
    await migrate(store.db, 'widgets', [v1, v2]);
    await expect(migrate(store.db, 'widgets', [v1])).rejects.toBeInstanceOf(MigrationError);
  });

  it('rolls a failing migration back completely', async () => {
    const broken: Migration = { version: 2, name: 'broken', sql: 'ALTER TABLE widgets ADD COLUMN colour TEXT; SELECT * FROM missing_table' };
    await migrate(store.db, 'widgets', [v1]);
    await expect(migrate(store.db, 'widgets', [v1, broken])).rejects.toThrow();
    await expect(migrate(store.db, 'widgets', [v1, v2])).resolves.toMatchObject({ applied: [2] });
  });

  it('refuses versions that are not 1..n in order', async () => {
    await expect(migrate(store.db, 'widgets', [v2])).rejects.toThrow(/1..n in order/);
  });
});
