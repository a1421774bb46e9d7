import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection, so a measurement starts from live memory only (exposed at run time). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Peak memory of this process above where it was at `start()`. `liveMb`: the heap after a full
 * collection, taken every LIVE_SAMPLE_MS — what is retained, the measure of "memory stays flat" (the plain
 * heap peak mostly says how lazily the collector ran). `heapMb`: the plain heapUsed peak.
 */
/** Often enough to see a buffered export grow, rarely enough that the collections do not dominate. */
const LIVE_SAMPLE_MS = 200;

export class MemoryPeak {
  private baseHeap = 0;
  private peakHeap = 0;
  private peakLive = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `collect`: a full collection every LIVE_SAMPLE_MS (accurate retained memory, but the collections slow what is measured). */
  constructor(private readonly collect = true) {}

  start(): void {
    collectGarbage();
    this.baseHeap = this.peakHeap = this.peakLive = process.memoryUsage().heapUsed;
    if (this.collect) this.timer = setInterval(() => this.live(), LIVE_SAMPLE_MS);
  }

  sample(): void {
    this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed);
  }

  private live(): void {
    this.sample();
    collectGarbage();
    this.peakLive = Math.max(this.peakLive, process.memoryUsage().heapUsed);
  }

  stop(): { heapMb: number; liveMb: number } {
    if (this.collect) this.live();
    else this.sample();
    if (this.timer) clearInterval(this.timer);
    return { heapMb: (this.peakHeap - this.baseHeap) / 2 ** 20, liveMb: (this.peakLive - this.baseHeap) / 2 ** 20 };
  }
}

export interface ExportMeasurement {
  readonly lines: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Peak growth of this process's heap while the export ran (MB): plain, and live (after collection). */
  readonly heapMb: number;
  readonly liveMb: number;
}

/**
 * Downloads an export over HTTP and counts its lines as the bytes arrive (nothing kept), measuring
 * this process's memory meanwhile. Run with the api in the same process, the peak covers the server
 * side too: a streamed export stays flat whatever the size; one built in memory grows with it.
 * `hold`: keep the whole file (the reference of what a buffered export costs). `live: false`: no
 * collections while it runs (for throughput; `liveMb` is then not measured).
 */
export async function measureExport(url: string, token: string, options: { hold?: boolean; live?: boolean } = {}): Promise<ExportMeasurement> {
  const meter = new MemoryPeak(options.live ?? true);
  meter.start();
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let lines = 0;
  let bytes = 0;
  const held: Uint8Array[] = [];
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
    if (options.hold) held.push(chunk);
    meter.sample();
  }
  const whole = options.hold ? Buffer.concat(held).toString('utf8') : '';
  meter.sample();
  const seconds = (performance.now() - started) / 1000;
  const memory = meter.stop();
  if (whole.length < 0) throw new Error('unreachable: keeps the held file alive until measured');
  return { lines, bytes, seconds, ...memory };
}

/** A JSONL file of `count` distinct standard-format pairs of about `size` characters each. */
export function syntheticPairs(count: number, size = 120): string {
  const pad = 'x'.repeat(Math.max(0, Math.floor(size / 3) - 12));
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) lines.push(JSON.stringify({ prompt: `q${i} ${pad}`, chosen: `good ${i} ${pad}`, rejected: `bad ${i} ${pad}` }));
  return lines.join('\n');
}
