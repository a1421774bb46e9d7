import { ProviderError, type ProviderErrorKind } from '@camel/workflows';
import CircuitBreaker from 'opossum';
import type { ProviderLogger } from './provider-logger';
import type { ProviderSettings } from './provider-settings';

/** Failures that say the endpoint is unwell. A refused request, a rate limit or an abort do not. */
const OUTAGE_KINDS: ReadonlySet<ProviderErrorKind> = new Set(['server_error', 'network', 'timeout', 'malformed_response']);

type Task = () => Promise<unknown>;

/**
 * One provider's circuit breaker (opossum) around each HTTP attempt: once the failure rate over the
 * window passes the threshold it opens, and every attempt fails at once with `circuit_open` instead
 * of waiting on a dead endpoint; after the reset timeout one probe goes through (half-open), and
 * its success closes the circuit again.
 */
export class ProviderCircuit {
  private readonly breaker: CircuitBreaker<[Task], unknown>;
  private openedAt = 0;

  constructor(
    private readonly provider: string,
    private readonly settings: ProviderSettings,
    log: ProviderLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.breaker = new CircuitBreaker<[Task], unknown>((task) => task(), {
      name: provider,
      timeout: false,
      errorThresholdPercentage: settings.breakerErrorPercent,
      resetTimeout: settings.breakerResetMs,
      rollingCountTimeout: settings.breakerWindowMs,
      rollingCountBuckets: 10,
      volumeThreshold: settings.breakerVolumeThreshold,
      errorFilter: (error) => error instanceof ProviderError && !OUTAGE_KINDS.has(error.kind),
    });
    this.breaker.on('open', () => {
      this.openedAt = this.now();
      log.warn(`provider ${provider}: circuit opened; calls fail fast for ${settings.breakerResetMs} ms, then one probe`);
    });
    this.breaker.on('halfOpen', () => log.log(`provider ${provider}: circuit half-open; the next call probes the endpoint`));
    this.breaker.on('close', () => log.log(`provider ${provider}: circuit closed`));
  }

  get state(): 'closed' | 'open' | 'half_open' {
    if (this.breaker.halfOpen) return 'half_open';
    return this.breaker.opened ? 'open' : 'closed';
  }

  async run<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(attempt)) as T;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') throw this.openError();
      throw error;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private openError(): ProviderError {
    const probeIn = Math.max(0, this.openedAt + this.settings.breakerResetMs - this.now());
    const when = this.breaker.halfOpen ? 'a probe call is under way' : `the next probe in ${probeIn} ms`;
    return new ProviderError('circuit_open', `provider ${this.provider}: circuit open after repeated failures; failing fast (${when})`);
  }
}
