import { createTestStoreLocation, makeEvent, type TestStoreLocation } from '../../testing';
import type { EventStore } from '../types';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The statements readAll and countAfter send, captured from the real database calls. */
async function capture(store: EventStore, read: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  const spy = jest.spyOn(store.db, 'query');
  try {
    await read();
    const [sql, params] = spy.mock.calls[spy.mock.calls.length - 1];
    return { sql, params: [...(params ?? [])] };
  } finally {
    spy.mockRestore();
  }
}

/**
 * A page read must be an index range scan on the primary key that stops after the page, whatever
 * the planner knows: right after a bulk write or a restore there are no statistics (PostgreSQL 15
 * restores none), and a bitmap scan plus sort there reads every row after the cursor, per page.
 */
describe('PostgreSQL read plans', () => {
  let location: TestStoreLocation;
  let store: EventStore;
  let positions: number[];

  beforeAll(async () => {
    location = await createTestStoreLocation('postgres');
    store = await location.open();
    await store.db.exec('ALTER TABLE events SET (autovacuum_enabled = false)');
    for (let b = 0; b < 40; b += 1) {
      await store.append(`bulk-${b % 10}`, Array.from({ length: 500 }, (_, i) => makeEvent('Bulk', { b, i })), { expectedVersion: 'any' });
    }
    positions = (await store.readAll({ after: 0, limit: 20_000 })).map((e) => e.position);
    expect(positions).toHaveLength(20_000);
  }, 60_000);

  afterAll(async () => {
    await location.dispose();
  });

  async function plansOf(read: () => Promise<unknown>): Promise<PlanNode[][]> {
    const { sql, params } = await capture(store, read);
    const custom = await store.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const generic = await store.db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL plan_cache_mode = force_generic_plan; PREPARE camel_plan_probe (bigint, integer) AS ${sql}`);
      try {
        return await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) EXECUTE camel_plan_probe (${Number(params[0])}, ${Number(params[1])})`,
        );
      } finally {
        await tx.exec('DEALLOCATE camel_plan_probe');
      }
    });
    return [custom, generic].map((rows) => nodesOf(rows[0]['QUERY PLAN'][0].Plan));
  }

  function expectIndexRangeScan(nodes: readonly PlanNode[]): void {
    const onEvents = nodes.filter((n) => n['Relation Name'] === 'events');
    expect(onEvents).toHaveLength(1);
    expect(['Index Scan', 'Index Only Scan']).toContain(onEvents[0]['Node Type']);
    expect(onEvents[0]['Index Name']).toBe('events_pkey');
    expect(onEvents[0]['Index Cond']).toMatch(/^\("?position"? > /);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(nodes[0]['Node Type']).not.toBe('Bitmap Heap Scan');
  }

  const cursors = () => [0, positions[9_999], positions[19_000], positions[19_999]];

  async function expectEveryReadIsARangeScan(): Promise<void> {
    for (const after of cursors()) {
      for (const nodes of await plansOf(() => store.readAll({ after, limit: 1000 }))) expectIndexRangeScan(nodes);
      for (const nodes of await plansOf(() => store.countAfter(after, 1000))) expectIndexRangeScan(nodes);
    }
  }

  it('reads a page by an index range scan on a table without statistics', async () => {
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM pg_stats WHERE tablename = 'events'`);
    expect(Number(n)).toBe(0);
    await expectEveryReadIsARangeScan();
  });

  it('reads a page by an index range scan once statistics exist', async () => {
    await store.db.exec('ANALYZE events');
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM pg_stats WHERE tablename = 'events'`);
    expect(Number(n)).toBeGreaterThan(0);
    await expectEveryReadIsARangeScan();
  });
});
