import type { DomainEvent, EventMetadata } from '@camel/contracts';
import { foldStream, type Clock, type Decider } from '@camel/kernel';
import { ConcurrencyError } from './errors';
import type { SqlExecutor } from './sql/database';
import type { AppendOptions, AppendResult, EventStore, NewEvent } from './types';

export interface ExecuteCommandInput<Command, Event = DomainEvent> {
  readonly streamId: string;
  readonly streamType: string;
  readonly command: Command;
  /** Metadata for every event; `time` comes from the clock. */
  readonly metadata: Omit<EventMetadata, 'time'>;
  readonly clock: Clock;
  readonly newId: () => string;
  /**
   * Attempts before a concurrency conflict is surfaced (default 64). Each failed attempt means another
   * writer succeeded in between, so N concurrent commands on one stream all succeed within N attempts:
   * 50 people added to one project at once must all be added (with 6 attempts, some got a 409).
   * From the third attempt on, a short random pause spreads the retries out.
   */
  readonly maxAttempts?: number;
  /**
   * Runs in the append's transaction, after the events are in: writes that must commit or roll back
   * together with them (e.g. a credential kept outside the log). Throwing rolls the append back.
   */
  readonly inTransaction?: (tx: SqlExecutor, events: readonly Event[]) => Promise<void>;
}

export interface ExecuteCommandResult<Event, State> {
  readonly events: readonly Event[];
  readonly state: State;
  /** The stream's version after the command (unchanged when it decided nothing). */
  readonly version: number;
  readonly append: AppendResult | null;
}

/**
 * Load → decide → append with the loaded version as the expectation. On a concurrent write the
 * command is decided again on the fresh state, a bounded number of times.
 */
export async function executeCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  input: ExecuteCommandInput<Command, Event>,
): Promise<ExecuteCommandResult<Event, State>> {
  const maxAttempts = input.maxAttempts ?? 64;
  for (let attempt = 1; ; attempt += 1) {
    const history = await store.readStream(input.streamId);
    const state = foldStream(decider as Decider<unknown, Event, State>, history);
    const version = history.length === 0 ? 0 : history[history.length - 1].streamVersion;
    const now = input.clock.now();
    const events = decider.decide(input.command, state, { now });
    if (events.length === 0) return { events, state, version, append: null };
    const newEvents: NewEvent[] = events.map((event) => ({
      id: input.newId(),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: { ...input.metadata, time: now.toISOString() },
    }));
    const options: AppendOptions = { expectedVersion: version === 0 ? 'no-stream' : version, streamType: input.streamType };
    try {
      const hook = input.inTransaction;
      const append = hook
        ? await appendWith(store, input.streamId, newEvents, options, (tx) => hook(tx, events))
        : await store.append(input.streamId, newEvents, options);
      const newState = events.reduce(decider.evolve, state);
      return { events, state: newState, version: append.nextExpectedVersion, append };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
      if (attempt >= 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}

async function appendWith(
  store: EventStore,
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions,
  hook: (tx: SqlExecutor) => Promise<void>,
): Promise<AppendResult> {
  const append = await store.db.transaction(async (tx) => {
    const result = await store.appendInTransaction(tx, streamId, events, options);
    await hook(tx);
    return result;
  });
  store.notifyCommitted();
  return append;
}
