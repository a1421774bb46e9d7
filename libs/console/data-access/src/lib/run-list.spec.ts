import type { RecordedEvent, RunView } from '@camel/contracts';
import { applyRunListEvents, matchesRunFilter } from './run-list';
import { liveRunFromEvents } from './run-view';
import { runStream } from './testing/run-events';

const viewOf = (events: readonly RecordedEvent[], runId: string): RunView => {
  const run = liveRunFromEvents(events, runId).state.run;
  if (!run) throw new Error('no run');
  return run;
};

describe('applyRunListEvents', () => {
  const a = runStream('a', 'p1', 100);
  const aEvents = [a.recorded(a.started('Task A')), a.recorded(a.began()), a.recorded(a.turn(1, 'Instruction: x'))];
  const b = runStream('b', 'p1', 200);
  const bStarted = b.recorded(b.started('Task B'));

  it('a started run joins the list, newest first, with the row the projection writes', () => {
    const [aStarted] = aEvents;
    const list = applyRunListEvents([], aStarted ? [aStarted, bStarted] : [], 'p1');
    // b's RunStarted is at the same stream time as a's: the id breaks the tie, newest (largest) first.
    expect(list.map((run) => run.id)).toEqual(['b', 'a']);
    expect(list.find((run) => run.id === 'a')).toEqual(viewOf(aEvents.slice(0, 1), 'a'));
  });

  it('later events move the row (status, turns, tokens), each run in its own stream order', () => {
    const list = applyRunListEvents([], [...aEvents].reverse(), 'p1');
    expect(list).toEqual([viewOf(aEvents, 'a')]);
    expect(list[0]).toMatchObject({ status: 'running', turns: 1, tokensUsed: 100, version: 3 });
  });

  it('is idempotent by stream version and skips runs it lacks unless they start', () => {
    const read = [viewOf(aEvents, 'a')];
    expect(applyRunListEvents(read, aEvents, 'p1')).toEqual(read);
    const bLater = b.recorded(b.began());
    expect(applyRunListEvents(read, [bLater], 'p1')).toEqual(read);
  });

  it('ignores runs of other projects', () => {
    const other = runStream('c', 'p2');
    expect(applyRunListEvents([], [other.recorded(other.started())], 'p1')).toEqual([]);
  });

  it('keeps the api order: newest first, then id', () => {
    const older = { ...viewOf(aEvents, 'a'), createdAt: '2026-01-01T00:00:00.000Z' };
    const newer = { ...viewOf(aEvents, 'a'), id: 'z', createdAt: '2026-02-01T00:00:00.000Z' };
    const tie = { ...newer, id: 'y' };
    expect(applyRunListEvents([older, tie, newer], [], 'p1').map((run) => run.id)).toEqual(['z', 'y', 'a']);
  });
});

describe('matchesRunFilter', () => {
  const s = runStream('a');
  const running = viewOf([s.recorded(s.started()), s.recorded(s.began())], 'a');
  const done: RunView = { ...running, status: 'completed', terminationReason: 'task_done' };

  it('filters by status, "active" meaning not finished, and by workflow', () => {
    expect(matchesRunFilter(running, {})).toBe(true);
    expect(matchesRunFilter(running, { status: 'active' })).toBe(true);
    expect(matchesRunFilter(done, { status: 'active' })).toBe(false);
    expect(matchesRunFilter(done, { status: 'completed' })).toBe(true);
    expect(matchesRunFilter(running, { status: 'paused' })).toBe(false);
    expect(matchesRunFilter(running, { workflow: 'stock_trading_bot' })).toBe(true);
    expect(matchesRunFilter(running, { workflow: 'other' })).toBe(false);
  });
});
