import { ProviderError } from '@camel/workflows';

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * At most `limit` calls of one provider in flight; the rest wait in line (first come, first served)
 * for at most `queueTimeoutMs`, then fail with `overloaded`. A slow provider fills its own line,
 * never another provider's.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly provider: string,
    private readonly limit: number,
    private readonly queueTimeoutMs: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(this.aborted());
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        clearTimeout(waiter.timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        reject(this.aborted());
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve();
        },
        timer: setTimeout(() => {
          leave();
          reject(
            new ProviderError(
              'overloaded',
              `provider ${this.provider}: all ${this.limit} slots stayed busy for ${this.queueTimeoutMs} ms (${this.waiting.length + 1} calls waiting)`,
            ),
          );
        }, this.queueTimeoutMs),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next in line, so `active` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting[0];
    if (next) next.grant();
    else this.active -= 1;
  }

  private aborted(): ProviderError {
    return new ProviderError('aborted', `provider ${this.provider}: the call was aborted while waiting for a slot`);
  }
}
