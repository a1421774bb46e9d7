import type { ProviderConfig } from '@camel/configs';
import { ProviderError, type ChatRequest } from '@camel/workflows';
import { reply, startOpenAiTestServer, type OpenAiTestServer } from '../../testing';
import type { OpenAiChatProvider } from './openai-chat-provider';
import { DEFAULT_PROVIDER_SETTINGS } from './provider-settings';
import { ProviderRegistry } from './provider-registry';

const request: ChatRequest = { provider: 'a', model: 'm', messages: [{ role: 'user', content: 'hello' }], parameters: {} };
const config = (id: string, server: OpenAiTestServer): ProviderConfig => ({ id, type: 'openai', base_url: server.url });

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ProviderError) return error.kind;
    throw error;
  }
}

describe('isolation between providers: circuit breaker and concurrency cap per endpoint', () => {
  let a: OpenAiTestServer;
  let b: OpenAiTestServer;
  let registry: ProviderRegistry;

  beforeEach(async () => {
    [a, b] = await Promise.all([startOpenAiTestServer(), startOpenAiTestServer()]);
    registry = new ProviderRegistry({
      env: {},
      settings: { ...DEFAULT_PROVIDER_SETTINGS, retryBaseDelayMs: 10, requestTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
      settingsFor: (id) =>
        id === 'a'
          ? { maxAttempts: 1, breakerVolumeThreshold: 3, breakerErrorPercent: 50, breakerResetMs: 400, maxConcurrency: 2, queueTimeoutMs: 300, requestTimeoutMs: 1_000 }
          : {},
    });
  });
  afterEach(async () => {
    registry.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('an outage opens the breaker: calls fail fast with circuit_open naming the provider, and it closes after recovery', async () => {
    const providerA = registry.provider(config('a', a)) as OpenAiChatProvider;
    const providerB = registry.provider(config('b', b));
    a.respondWith(() => reply.serverError(503));

    for (let i = 0; i < 3; i++) expect(await outcome(providerA.complete(request))).toBe('server_error');
    expect(providerA.guard.circuit.state).toBe('open');

    const started = Date.now();
    const fast = await providerA.complete(request).catch((error: unknown) => error as ProviderError);
    expect(Date.now() - started).toBeLessThan(50);
    expect(fast).toBeInstanceOf(ProviderError);
    expect((fast as ProviderError).kind).toBe('circuit_open');
    expect((fast as ProviderError).retryable).toBe(true);
    expect((fast as ProviderError).message).toMatch(/^provider a: circuit open after repeated failures; failing fast \(the next probe in \d+ ms\)$/);
    expect(a.requests).toHaveLength(3);
    // The other provider is untouched.
    expect(await outcome(providerB.complete(request))).toBe('ok');

    a.respondWith(() => reply.text('recovered'));
    expect(await outcome(providerA.complete(request))).toBe('circuit_open');
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(providerA.guard.circuit.state).toBe('half_open');
    const probe = await providerA.complete(request);
    expect(probe.choices[0].content).toBe('recovered');
    expect(providerA.guard.circuit.state).toBe('closed');
    expect(await outcome(providerA.complete(request))).toBe('ok');
    expect(a.requests).toHaveLength(5);
  });

  it('a failed probe opens the breaker again', async () => {
    const providerA = registry.provider(config('a', a)) as OpenAiChatProvider;
    a.respondWith(() => reply.serverError(500));
    for (let i = 0; i < 3; i++) await outcome(providerA.complete(request));
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await outcome(providerA.complete(request))).toBe('server_error');
    expect(providerA.guard.circuit.state).toBe('open');
    expect(await outcome(providerA.complete(request))).toBe('circuit_open');
    expect(a.requests).toHaveLength(4);
  });

  it('refused requests and rate limits do not open the breaker', async () => {
    const providerA = registry.provider(config('a', a)) as OpenAiChatProvider;
    a.respondWith(() => reply.status(400));
    for (let i = 0; i < 4; i++) expect(await outcome(providerA.complete(request))).toBe('bad_request');
    a.respondWith(() => reply.rateLimited('600'));
    for (let i = 0; i < 4; i++) expect(await outcome(providerA.complete(request))).toBe('rate_limited');
    expect(providerA.guard.circuit.state).toBe('closed');
  });

  it('the cap keeps at most N calls of a provider in flight; the others wait their turn', async () => {
    const providerA = registry.provider(config('a', a));
    let most = 0;
    a.respondWith(() => {
      most = Math.max(most, a.inFlight);
      return reply.text('done', { latencyMs: 80 });
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => providerA.complete(request)));
    expect(results.map((result) => result.choices[0].content)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
    expect(a.requests).toHaveLength(5);
  });

  it('while A hangs, B keeps answering promptly; calls beyond A’s cap fail with overloaded after the bounded wait', async () => {
    const providerA = registry.provider(config('a', a));
    const providerB = registry.provider(config('b', b));
    a.respondWith(() => reply.hang());
    const settled: { kind: string; at: number }[] = [];
    const started = Date.now();
    const callsA = Array.from({ length: 4 }, () => outcome(providerA.complete(request)).then((kind) => settled.push({ kind, at: Date.now() - started })));
    await a.waitForInFlight(2);

    const latenciesB: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      const result = await providerB.complete(request);
      expect(result.choices[0].content).toBe('Echo from m: hello');
      latenciesB.push(Date.now() - before);
    }
    const doneB = Date.now() - started;
    await Promise.all(callsA);

    expect(Math.max(...latenciesB)).toBeLessThan(200);
    expect(doneB).toBeLessThan(1_000);
    expect(a.requests).toHaveLength(2);
    const kinds = settled.map((s) => s.kind).sort();
    expect(kinds).toEqual(['overloaded', 'overloaded', 'timeout', 'timeout']);
    for (const s of settled.filter((s) => s.kind === 'overloaded')) expect(s.at).toBeGreaterThanOrEqual(290);
    for (const s of settled.filter((s) => s.kind === 'timeout')) expect(s.at).toBeGreaterThanOrEqual(990);
  });

  it('an aborted call leaves the line without taking a slot', async () => {
    const providerA = registry.provider(config('a', a));
    a.respondWith(() => reply.text('slow', { latencyMs: 200 }));
    const first = [providerA.complete(request), providerA.complete(request)];
    await a.waitForInFlight(2);
    const controller = new AbortController();
    const waiting = outcome(providerA.complete(request, { signal: controller.signal }));
    controller.abort();
    expect(await waiting).toBe('aborted');
    await Promise.all(first);
    expect(a.requests).toHaveLength(2);
  });
});
