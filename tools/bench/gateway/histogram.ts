/**
 * Latency histogram with fixed 10 µs buckets up to 2 s, exact values beyond: millions of deliveries
 * per run stay a few hundred kilobytes per process, and percentiles are exact to 10 µs. Values below
 * zero (an event read by the api before the writer's append() had resolved) count as 0 and are
 * counted apart.
 */
const BUCKET_MS = 0.01;
const BUCKETS = 200_000;

/** What crosses process boundaries: non-empty buckets only. */
export interface SerializedHistogram {
  readonly buckets: [index: number, count: number][];
  readonly overflow: number[];
  readonly count: number;
  readonly negative: number;
  readonly sum: number;
  readonly max: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Samples below zero, counted as 0. */
  readonly negative: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private readonly overflow: number[] = [];
  private total = 0;
  private negatives = 0;
  private sum = 0;
  private maximum = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number): void {
    let value = ms;
    if (value < 0) {
      this.negatives += 1;
      value = 0;
    }
    this.total += 1;
    this.sum += value;
    if (value > this.maximum) this.maximum = value;
    const index = Math.floor(value / BUCKET_MS);
    if (index < BUCKETS) this.counts[index] += 1;
    else this.overflow.push(value);
  }

  serialize(): SerializedHistogram {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i += 1) if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { buckets, overflow: this.overflow, count: this.total, negative: this.negatives, sum: this.sum, max: this.maximum };
  }

  merge(other: SerializedHistogram): void {
    for (const [index, count] of other.buckets) this.counts[index] += count;
    for (const value of other.overflow) this.overflow.push(value);
    this.total += other.count;
    this.negatives += other.negative;
    this.sum += other.sum;
    if (other.max > this.maximum) this.maximum = other.max;
  }

  /** Nearest rank: the smallest value with at least `p` of the samples at or below it (bucket upper edge). */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i += 1) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min((i + 1) * BUCKET_MS, this.maximum);
    }
    const sorted = [...this.overflow].sort((a, b) => a - b);
    return sorted[rank - seen - 1] ?? this.maximum;
  }

  /** Milliseconds, rounded to the microsecond. */
  summary(): LatencySummary {
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      count: this.total,
      mean: round(this.total ? this.sum / this.total : NaN),
      p50: round(this.percentile(0.5)),
      p95: round(this.percentile(0.95)),
      p99: round(this.percentile(0.99)),
      max: round(this.total ? this.maximum : NaN),
      negative: this.negatives,
    };
  }
}
