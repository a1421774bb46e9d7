/**
 * The step schedule of a training run, pure: which examples batch k (0-based, across epochs) holds
 * is a function of (seed, dataset size, batch size, k) alone. Each epoch is a seeded shuffle of the
 * example indices; an epoch's last batch holds the remainder. A run resumed at step s feeds exactly
 * the batches an uninterrupted run feeds from s on.
 */
export const stepsPerEpoch = (size: number, batchSize: number): number => Math.ceil(size / batchSize);

export const totalSteps = (size: number, batchSize: number, epochs: number): number => stepsPerEpoch(size, batchSize) * epochs;

/** A 32-bit mix (murmur3's finalizer) of two integers. */
function mix(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The example order of one epoch: a Fisher–Yates shuffle driven by mulberry32 seeded with (seed, epoch). */
export function epochOrder(seed: number, size: number, epoch: number): number[] {
  const order = Array.from({ length: size }, (_, i) => i);
  let state = mix(seed, epoch + 1);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export interface ScheduledBatch {
  /** 0-based epoch of the batch. */
  readonly epoch: number;
  /** Indices into the training examples. */
  readonly indices: readonly number[];
}

/** Batch k of the run. */
export function batchAt(seed: number, size: number, batchSize: number, k: number): ScheduledBatch {
  if (size <= 0) throw new Error('an empty training set has no batches');
  const perEpoch = stepsPerEpoch(size, batchSize);
  const epoch = Math.floor(k / perEpoch);
  const start = (k % perEpoch) * batchSize;
  return { epoch, indices: epochOrder(seed, size, epoch).slice(start, start + batchSize) };
}

/** Batches from step `from` (0-based) to the end, each epoch's order computed once. */
export function* batchesFrom(seed: number, size: number, batchSize: number, epochs: number, from: number): Generator<ScheduledBatch & { readonly k: number }> {
  const perEpoch = stepsPerEpoch(size, batchSize);
  let order: number[] = [];
  let orderEpoch = -1;
  for (let k = from; k < perEpoch * epochs; k++) {
    const epoch = Math.floor(k / perEpoch);
    if (epoch !== orderEpoch) {
      order = epochOrder(seed, size, epoch);
      orderEpoch = epoch;
    }
    const start = (k % perEpoch) * batchSize;
    yield { k, epoch, indices: order.slice(start, start + batchSize) };
  }
}
