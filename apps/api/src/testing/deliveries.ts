import type { RecordedEvent } from '@camel/contracts';

/** A fixed sequence of pseudo-random numbers in [0, 1): the same deliveries on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Events as the live gateway may hand them to a client fold: batches of 1–`maxBatch` events in
 * position order, each shuffled and starting up to `maxBack` events before where the previous one
 * ended (re-delivered, as after a resubscribe from an older position). Seeded: the same batches on
 * every run.
 */
export function deliveries(events: readonly RecordedEvent[], seed: number, { maxBatch = 5, maxBack = 3 } = {}): RecordedEvent[][] {
  const random = seeded(seed);
  const batches: RecordedEvent[][] = [];
  for (let start = 0; start < events.length; ) {
    const end = Math.min(events.length, start + 1 + Math.floor(random() * maxBatch));
    const from = Math.max(0, start - Math.floor(random() * (maxBack + 1)));
    batches.push(shuffled(events.slice(from, end), random));
    start = end;
  }
  return batches;
}
