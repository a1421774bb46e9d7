import { randomUUID } from 'node:crypto';
import type { QueueKeys } from './queue-keys';
import type { RedisClient } from './redis/redis-client';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** A request nobody took up is dropped after this long (only a holder that died leaves one). */
const AGAIN_TTL_MS = 3_600_000;

export type GateResult<T> =
  /** The passes ran; `outcome` is the last one's (later requests are in it). */
  | { readonly type: 'passed'; readonly outcome: T; readonly passes: number }
  /** Another holder has the run; it passes again when it releases. Look again after `retryInMs` in case it died. */
  | { readonly type: 'contended'; readonly retryInMs: number };

/**
 * One pass per run at a time across every worker: a Redis lock per run (SET NX with an expiry,
 * renewed while the pass runs, released by its holder only). A request that finds the run locked
 * leaves a mark; the holder releases first and reads the mark after, so a request is either seen
 * by the holder or finds the lock free itself — never stranded between the two. A holder that dies
 * stops renewing: its lock expires after `ttlMs` and the caller's retry takes over.
 */
export class RunGate {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: QueueKeys,
    private readonly ttlMs: number,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  async exclusive<T>(runId: string, pass: () => Promise<T>): Promise<GateResult<T>> {
    const lock = this.keys.lock(runId);
    const again = this.keys.again(runId);
    await this.redis.send('SET', [again, '1', 'PX', AGAIN_TTL_MS]);
    for (let passes = 1; ; passes += 1) {
      const token = randomUUID();
      if ((await this.redis.send('SET', [lock, token, 'NX', 'PX', this.ttlMs])) !== 'OK') {
        const left = Number(await this.redis.send('PTTL', [lock]));
        return { type: 'contended', retryInMs: (left >= 0 ? left : left === -1 ? this.ttlMs : 0) + 50 };
      }
      const renewal = setInterval(() => {
        this.redis.send('EVAL', [RENEW, 1, lock, token, this.ttlMs]).then(
          (renewed) => renewed === 0 && this.warn(`run ${runId}: its lock expired during a pass (event loop blocked past RUN_LOCK_MS?); another worker may pass it too`),
          (error: Error) => this.warn(`run ${runId}: renewing its lock failed: ${error.message}`),
        );
      }, Math.max(100, Math.floor(this.ttlMs / 3)));
      let outcome: T;
      try {
        await this.redis.send('DEL', [again]);
        outcome = await pass();
      } finally {
        clearInterval(renewal);
        await this.redis.send('EVAL', [RELEASE, 1, lock, token]);
      }
      if ((await this.redis.send('GETDEL', [again])) === null) return { type: 'passed', outcome, passes };
    }
  }
}
