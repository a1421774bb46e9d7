import type { DomainEvent } from '@camel/contracts';
import type { DecideContext, Decider } from '../lib/decider';

/**
 * Given/when/then for deciders, without a database:
 *   spec(decider).given([events]).when(command).then([events])  or  .thenThrows(matcher)
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  context: DecideContext = { now: new Date('2026-01-01T00:00:00Z') },
) {
  return {
    given(history: readonly Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState), context);
          return {
            then(expected: readonly Event[]) {
              expect(run()).toEqual(expected);
            },
            thenThrows(expected: Record<string, unknown>) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toMatchObject(expected);
            },
          };
        },
      };
    },
  };
}
