import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection, so a measurement starts from live memory only (exposed at run time). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Peak heap and RSS of this process above where they were at `start()`, sampled every few ms. */
export class MemoryPeak {
  private baseHeap = 0;
  private baseRss = 0;
  private peakHeap = 0;
  private peakRss = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    collectGarbage();
    const now = process.memoryUsage();
    this.baseHeap = this.peakHeap = now.heapUsed;
    this.baseRss = this.peakRss = now.rss;
    this.timer = setInterval(() => this.sample(), 2);
  }

  sample(): void {
    const now = process.memoryUsage();
    this.peakHeap = Math.max(this.peakHeap, now.heapUsed);
    this.peakRss = Math.max(this.peakRss, now.rss);
  }

  stop(): { heapMb: number; rssMb: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return { heapMb: (this.peakHeap - this.baseHeap) / 2 ** 20, rssMb: (this.peakRss - this.baseRss) / 2 ** 20 };
  }
}

export interface ExportMeasurement {
  readonly lines: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Peak growth of this process's heap / RSS while the export ran (MB). */
  readonly heapMb: number;
  readonly rssMb: number;
}

/**
 * Downloads an export over HTTP and counts its lines as the bytes arrive (nothing kept), measuring
 * this process's memory meanwhile. Run with the api in the same process, the peak covers the server
 * side too: a streamed export stays flat whatever the size; one built in memory grows with it.
 * `hold`: keep the whole file (the reference of what a buffered export costs).
 */
export async function measureExport(url: string, token: string, options: { hold?: boolean } = {}): Promise<ExportMeasurement> {
  const meter = new MemoryPeak();
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
  if (options.hold) Buffer.concat(held).toString('utf8');
  const seconds = (performance.now() - started) / 1000;
  return { lines, bytes, seconds, ...meter.stop() };
}

/** A JSONL file of `count` distinct standard-format pairs of about `size` characters each. */
export function syntheticPairs(count: number, size = 120): string {
  const pad = 'x'.repeat(Math.max(0, Math.floor(size / 3) - 12));
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) lines.push(JSON.stringify({ prompt: `q${i} ${pad}`, chosen: `good ${i} ${pad}`, rejected: `bad ${i} ${pad}` }));
  return lines.join('\n');
}
