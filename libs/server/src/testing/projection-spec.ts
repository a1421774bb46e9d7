import type { DomainEvent, EventMetadata, RecordedEvent } from '@camel/contracts';
import { ProjectionRunner, type EventStore } from '@camel/event-store';
import { createTestStoreLocation, type Engine, type TestStoreLocation } from '@camel/event-store/testing';
import { uuidv7, type Decider } from '@camel/kernel';
import type { DataSource, EntityManager } from 'typeorm';
import { createReadModelDataSource } from '../lib/read-models/read-model-data-source';
import { bindReadModelProjection, type ReadModelProjection } from '../lib/read-models/read-model-projection';

/** One event a projection spec is given, before the store records it (position, version, id). */
export interface GivenEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

const SPEC_START = Date.parse('2026-01-01T00:00:00.000Z');

/** The time of the `n`th step of an EventTimeline (whole seconds after its start). */
export const timelineTime = (n: number): string => new Date(SPEC_START + n * 1000).toISOString();

/**
 * Builds what a projection spec is given, as the domain would record it: each command decided by its
 * stream's decider on the state folded so far, at a clock that moves one second per decision (time
 * is injected, as the CommandExecutor does), with the metadata a request gives its events.
 */
export class EventTimeline {
  readonly events: GivenEvent[] = [];
  private readonly states = new Map<string, unknown>();
  private step = 0;

  constructor(private readonly defaults: Partial<EventMetadata> = {}) {}

  /** The time the next decision is made at. */
  get now(): string {
    return timelineTime(this.step);
  }

  /** Decides `command` on `streamId` and records the events; the state carries over to the next command there. */
  decide<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    metadata: Partial<EventMetadata> = {},
  ): readonly E[] {
    const before = (this.states.has(streamId) ? this.states.get(streamId) : decider.initialState) as S;
    const decided = decider.decide(command, before, { now: new Date(this.now) });
    this.states.set(streamId, decided.reduce((state, event) => decider.evolve(state, event), before));
    return this.record(streamId, decided, metadata);
  }

  /** Records events decided elsewhere (a scripted run's, or another context's) at the current time. */
  record<E extends DomainEvent>(streamId: string, events: readonly E[], metadata: Partial<EventMetadata> = {}): readonly E[] {
    const time = this.now;
    for (const event of events) {
      this.events.push({
        streamId,
        type: event.type,
        data: event.data,
        metadata: { actor: { type: 'system', id: 'spec' }, correlationId: uuidv7(), ...this.defaults, ...metadata, time },
      });
    }
    this.step += 1;
    return events;
  }
}

export interface ProjectionSpecContext {
  /** Reads on the read models' own DataSource, as the read-model repositories do. */
  readonly manager: EntityManager;
  readonly dataSource: DataSource;
  readonly store: EventStore;
  /** The given events as the store recorded them, in log order. */
  readonly recorded: readonly RecordedEvent[];
}

export type ProjectionExpectation = (context: ProjectionSpecContext) => Promise<void>;

export interface ProjectionSpec {
  given(events: readonly GivenEvent[] | EventTimeline): { then(expectation: ProjectionExpectation): Promise<void> };
}

/**
 * A projection's given/when/then spec on one engine, through what production runs: the store on a
 * fresh database, the read models' DataSource on its connections and a ProjectionRunner following
 * the log. `given` appends the events (live delivery), `then` checks the rows once the projection
 * has applied them, rebuilds it from position 0 and checks the very same rows again.
 * Call it inside a `describe`: it registers the hooks that open and dispose the store.
 */
export function projectionSpec(engine: Engine, projection: ReadModelProjection): ProjectionSpec {
  let location: TestStoreLocation;
  let store: EventStore;
  let dataSource: DataSource;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
    dataSource = createReadModelDataSource(store, [...projection.entities]);
    await dataSource.initialize();
    runner = new ProjectionRunner(store, [bindReadModelProjection(projection, dataSource)], {
      pollIntervalMs: 50,
      log: (message, error) => console.error(message, error ?? ''),
    });
    await runner.start();
  });

  afterEach(async () => {
    await runner?.stop();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await location?.dispose();
  });

  /** Waits for the position of the last append: on PostgreSQL the head readers see may lag behind a commit while another transaction is open. */
  const applied = async (last: number) => {
    if (!(await runner.waitFor(last, { timeoutMs: 10_000 }))) {
      const [status] = await runner.status();
      throw new Error(`projection ${projection.name} did not reach position ${last}: ${JSON.stringify(status)}`);
    }
  };

  return {
    given(given) {
      const events = given instanceof EventTimeline ? given.events : given;
      return {
        async then(expectation) {
          let last = 0;
          for (const event of events) {
            const appended = await store.append(event.streamId, [{ id: uuidv7(), type: event.type, data: event.data, metadata: event.metadata }], {
              expectedVersion: 'any',
            });
            last = appended.lastPosition;
          }
          await applied(last);
          const recorded = await store.readAll({ after: 0, limit: events.length + 1 });
          if (recorded.length !== events.length) throw new Error(`the store holds ${recorded.length} of the ${events.length} given events`);
          const context = { manager: dataSource.manager, dataSource, store, recorded };
          await expectation(context);
          const rebuilt = await runner.rebuild(projection.name);
          if (rebuilt.done !== recorded.length) throw new Error(`rebuild replayed ${rebuilt.done} of ${recorded.length} events`);
          await expectation(context).catch((error: unknown) => {
            if (error instanceof Error) error.message = `after a rebuild from position 0: ${error.message}`;
            throw error;
          });
        },
      };
    },
  };
}
