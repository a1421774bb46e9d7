import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { LoopDelay } from './protocol';

const RESOLUTION_MS = 10;

/**
 * This process's event-loop delay and CPU between `start` and `stop`. The histogram records the
 * interval between ticks of a 10 ms timer; the delay is that interval minus the 10 ms asked for.
 */
export class WindowMeter {
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private cpu = process.cpuUsage();
  private started = 0;

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
    this.cpu = process.cpuUsage();
    this.started = performance.now();
  }

  stop(): { loopDelay: LoopDelay; cpuPercent: number } {
    this.histogram.disable();
    const used = process.cpuUsage(this.cpu);
    const wallMs = performance.now() - this.started;
    const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return {
      loopDelay: { p50: late(this.histogram.percentile(50)), p99: late(this.histogram.percentile(99)), max: late(this.histogram.max) },
      cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
    };
  }
}
