import type { DomainEvent, RecordedEvent } from '@camel/contracts';

/** What a decider may know about the outside world: injected, never read from globals. */
export interface DecideContext {
  readonly now: Date;
}

/**
 * A bounded context's pure core (Emmett style): `decide` turns a command and the current state into
 * new events or throws a DomainError; `evolve` folds one event into the state.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  decide(command: Command, state: State, context: DecideContext): readonly Event[];
  evolve(state: State, event: Event): State;
  /** Turns a stored event of an older schema version into the current shape (events are never rewritten). */
  upcast?(event: RecordedEvent): Event;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The state of a stream: its recorded events folded with the decider (upcast first). */
export function foldStream<Event extends DomainEvent, State>(
  decider: Decider<unknown, Event, State>,
  events: readonly RecordedEvent[],
): State {
  return events.reduce(
    (state, recorded) =>
      decider.evolve(state, decider.upcast ? decider.upcast(recorded) : ({ type: recorded.type, data: recorded.data } as Event)),
    decider.initialState,
  );
}
