import type { RecordedEvent } from '@camel/contracts';
import { LiveList } from './live-list';
import type { SubscriptionHandlers } from './live-events.client';
import { readAgainSource } from './read-again-source';

const event = (position: number, type: string): RecordedEvent => ({
  position,
  streamId: 's',
  streamType: 't',
  streamVersion: position,
  id: `e${position}`,
  type,
  schemaVersion: 1,
  data: {},
  metadata: { actor: { type: 'user', id: 'u' }, correlationId: 'c', time: '2026-01-01T00:00:00.000Z' },
  hash: '',
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('readAgainSource', () => {
  it('reads again after an event it concerns, until a read reflects that event', async () => {
    // The read model is behind at first: the second read still answers position 5.
    const reads = [
      { items: ['v1'], position: 5 },
      { items: ['v1'], position: 5 },
      { items: ['v1', 'v2'], position: 9 },
    ];
    let served = 0;
    const read = jest.fn(async () => reads[Math.min(served++, reads.length - 1)] as { items: string[]; position: number });
    let handlers: SubscriptionHandlers | undefined;
    const list = new LiveList<string>({
      follow: (topic, _after, h) => {
        handlers = h;
        return { topic, position: 0, caughtUp: true, close: () => undefined };
      },
      refreshPausesMs: [0, 0, 0, 0],
      sleep: async () => undefined,
    });
    const source = readAgainSource<string>([{ kind: 'project', projectId: 'p' }], read, (e) => e.type.startsWith('Dataset'));
    await list.load(source);
    expect(list.state.items).toEqual(['v1']);

    handlers?.onEvents([event(7, 'RunStarted')], 7);
    expect(read).toHaveBeenCalledTimes(1);

    const reflected = new Promise<void>((resolve) => list.onChange((state) => state.items.length === 2 && resolve()));
    handlers?.onEvents([event(9, 'DatasetSnapshotCreated')], 9);
    await reflected;
    expect(list.state.items).toEqual(['v1', 'v2']);
    expect(read).toHaveBeenCalledTimes(3);
    expect(source.pendingPosition()).toBe(0);
  });

  it('reads a route without a read position twice after an event, then stops', async () => {
    const read = jest.fn(async () => ({ items: ['row'], position: 0 }));
    let handlers: SubscriptionHandlers | undefined;
    const list = new LiveList<string>({
      follow: (topic, _after, h) => {
        handlers = h;
        return { topic, position: 0, caughtUp: true, close: () => undefined };
      },
      refreshPausesMs: [0, 0, 0, 0],
      sleep: async () => undefined,
    });
    await list.load(readAgainSource<string>([{ kind: 'project', projectId: 'p' }], read, () => true));
    handlers?.onEvents([event(3, 'QueueItemResponded')], 3);
    // The refresh runs on immediate sleeps: every read it makes has happened once the queue is drained.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(read).toHaveBeenCalledTimes(3);
  });
});
