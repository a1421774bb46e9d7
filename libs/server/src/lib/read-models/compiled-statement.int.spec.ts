import 'reflect-metadata';
import { ENGINES } from '@camel/event-store/testing';
import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import { EventTimeline, projectionSpec } from '../../testing';
import { compiledStatement } from './compiled-statement';
import type { ReadModelProjection } from './read-model-projection';

@Entity('spec_compiled_counters')
class Counter {
  @PrimaryColumn('text', { name: 'counter_key' }) key!: string;
  @Column('integer', { name: 'event_count' }) count!: number;
  @Column('text', { name: 'last_type' }) lastType!: string;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { nullable: true }) label!: string | null;
}

// Constants of the builder (the 1, the 'none') stay in the statement; names take each call's values.
const bump = compiledStatement(['key', 'type'], (manager, param) =>
  manager
    .createQueryBuilder()
    .insert()
    .into(Counter)
    .values({ key: param('key'), count: 1, lastType: param('type'), note: null, label: 'none' })
    .onConflict('(counter_key) DO UPDATE SET event_count = spec_compiled_counters.event_count + 1, last_type = excluded.last_type'),
);
// A name used twice and in a where string.
const annotate = compiledStatement(['key', 'note'], (manager, param) =>
  manager.createQueryBuilder().update(Counter).set({ note: param('note'), label: param('note') }).where('counter_key = :key'),
);

const projection: ReadModelProjection = {
  name: 'spec_compiled_counters',
  version: 1,
  entities: [Counter],
  async apply(manager: EntityManager, event) {
    await bump(manager, { key: event.streamId, type: event.type });
    const note = (event.data as { note?: string }).note;
    if (note !== undefined) await annotate(manager, { key: event.streamId, note });
  },
};

describe.each(ENGINES)('compiledStatement on %s', (engine) => {
  const spec = projectionSpec(engine, projection);

  it('runs the statement built once with each call values, constants kept, on the projector transaction (rebuild gives the same rows)', async () => {
    const timeline = new EventTimeline();
    timeline.record('s-1', [{ type: 'Opened', data: {} }]);
    timeline.record('s-2', [{ type: 'Opened', data: {} }]);
    timeline.record('s-1', [{ type: 'Noted', data: { note: "it's \"quoted\" :key" } }]);
    timeline.record('s-1', [{ type: 'Closed', data: {} }]);
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(Counter, { order: { key: 'ASC' } })).toEqual([
        { key: 's-1', count: 3, lastType: 'Closed', note: "it's \"quoted\" :key", label: "it's \"quoted\" :key" },
        { key: 's-2', count: 1, lastType: 'Opened', note: null, label: 'none' },
      ]);
    });
  });
});
