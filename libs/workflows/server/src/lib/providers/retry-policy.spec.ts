import { ProviderError } from '@camel/workflows';
import { DEFAULT_PROVIDER_SETTINGS } from './provider-settings';
import { decideRetry, parseRetryAfter } from './retry-policy';

const headers = (values: Record<string, string>) => new Headers(values);
const NOW = Date.parse('2030-01-01T00:00:00Z');
const settings = { ...DEFAULT_PROVIDER_SETTINGS, maxAttempts: 4, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 };

describe('parseRetryAfter', () => {
  it('reads delta-seconds, an HTTP-date and OpenAI’s retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), NOW)).toBe(2_000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), NOW)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' }), NOW)).toBe(7_000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Jan 2029 00:00:07 GMT' }), NOW)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), NOW)).toBe(250);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter(headers({}), NOW)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-3' }), NOW)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  const error = (kind: ProviderError['kind'], retryAfterMs?: number) => new ProviderError(kind, 'x', undefined, retryAfterMs);

  it('backs off exponentially with full jitter, capped', () => {
    expect(decideRetry(1, error('server_error'), settings, () => 1)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(2, error('network'), settings, () => 1)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(3, error('timeout'), settings, () => 0.5)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(3, error('timeout'), { ...settings, maxAttempts: 10, retryMaxDelayMs: 300 }, () => 1)).toEqual({ retry: true, delayMs: 300 });
    expect(decideRetry(1, error('malformed_response'), settings, () => 0)).toEqual({ retry: true, delayMs: 0 });
  });

  it('waits what Retry-After asks within the cap, and gives up beyond it', () => {
    expect(decideRetry(1, error('rate_limited', 800), settings, () => 0)).toEqual({ retry: true, delayMs: 800 });
    expect(decideRetry(1, error('rate_limited', 5_000), settings, () => 0)).toEqual({ retry: false });
  });

  it('stops after the last attempt and never retries what cannot succeed', () => {
    expect(decideRetry(4, error('server_error'), settings, () => 0)).toEqual({ retry: false });
    for (const kind of ['bad_request', 'unauthorized', 'not_configured', 'aborted', 'circuit_open', 'overloaded'] as const) {
      expect(decideRetry(1, error(kind), settings, () => 0)).toEqual({ retry: false });
    }
  });
});
