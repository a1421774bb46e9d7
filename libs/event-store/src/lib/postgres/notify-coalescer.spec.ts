import { NotifyCoalescer } from './notify-coalescer';

describe('NotifyCoalescer', () => {
  let sent: number;
  let coalescer: NotifyCoalescer;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = 0;
    coalescer = new NotifyCoalescer(async () => {
      sent += 1;
    }, 5);
  });

  afterEach(async () => {
    await coalescer.close();
    jest.useRealTimers();
  });

  /** Lets the timer fire and the standalone send settle. */
  const flush = async () => {
    await jest.advanceTimersByTimeAsync(10);
  };

  it('lets every sequential append carry its own wake-up', async () => {
    for (let i = 0; i < 5; i += 1) {
      const ticket = coalescer.begin();
      expect(ticket.carry).toBe(true);
      coalescer.end(ticket, true);
    }
    await flush();
    expect(sent).toBe(0);
    expect(coalescer.pending).toBe(false);
  });

  it('keeps one carrier in flight; a commit it may precede is covered by the next carrier', async () => {
    const carrier = coalescer.begin();
    const other = coalescer.begin();
    expect([carrier.carry, other.carry]).toEqual([true, false]);
    coalescer.end(other, true);
    // The carrier started before `other` finished: its commit may have come first.
    coalescer.end(carrier, true);
    expect(coalescer.pending).toBe(true);
    const next = coalescer.begin();
    expect(next.carry).toBe(true);
    coalescer.end(next, true);
    expect(coalescer.pending).toBe(false);
    await flush();
    expect(sent).toBe(0);
  });

  it('sends a standalone wake-up when no append comes along to carry one', async () => {
    const carrier = coalescer.begin();
    const other = coalescer.begin();
    coalescer.end(carrier, true);
    coalescer.end(other, true);
    expect(sent).toBe(0);
    await flush();
    expect(sent).toBe(1);
    expect(coalescer.pending).toBe(false);
  });

  it('does not count a failed carrier as a wake-up, and wakes for commits made elsewhere', async () => {
    const failed = coalescer.begin();
    const other = coalescer.begin();
    coalescer.end(other, true);
    coalescer.end(failed, false);
    await flush();
    expect(sent).toBe(1);
    coalescer.committedElsewhere();
    await flush();
    expect(sent).toBe(2);
  });

  it('sends a wake-up still owed when it closes', async () => {
    const carrier = coalescer.begin();
    const other = coalescer.begin();
    coalescer.end(carrier, true);
    coalescer.end(other, true);
    await coalescer.close();
    expect(sent).toBe(1);
    await flush();
    expect(sent).toBe(1);
  });
});
