import { ProviderError, type ChatDelta, type ChatRequest, type ChatRetry } from '@camel/workflows';
import { reply, startOpenAiTestServer, type OpenAiTestServer } from '../../testing';
import { OpenAiChatProvider } from './openai-chat-provider';
import { DEFAULT_PROVIDER_SETTINGS, type ProviderSettings } from './provider-settings';

const KEY = 'sk-test-0123456789abcdef';
const FAST: ProviderSettings = {
  ...DEFAULT_PROVIDER_SETTINGS,
  requestTimeoutMs: 2_000,
  idleTimeoutMs: 2_000,
  retryBaseDelayMs: 20,
  retryMaxDelayMs: 2_000,
  breakerVolumeThreshold: 1_000,
};

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  provider: 'openai',
  model: 'gpt-test',
  messages: [
    { role: 'system', content: 'You are a Python Programmer. Never flip roles!' },
    { role: 'user', content: 'Instruction: write hello world. Input: None' },
  ],
  parameters: { temperature: 0.2, max_tokens: 64, stop: ['<END>'] },
  ...overrides,
});

describe('OpenAiChatProvider against the local OpenAI-compatible server', () => {
  let server: OpenAiTestServer;
  const providers: OpenAiChatProvider[] = [];
  const provider = (settings: Partial<ProviderSettings> = {}, env: Record<string, string> = { TEST_LLM_KEY: KEY }) => {
    const created = new OpenAiChatProvider({ id: 'openai', baseUrl: server.url, apiKeyEnv: 'TEST_LLM_KEY', env, settings: { ...FAST, ...settings }, random: () => 0.5 });
    providers.push(created);
    return created;
  };
  const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
    return error;
  };

  beforeEach(async () => {
    server = await startOpenAiTestServer();
  });
  afterEach(async () => {
    for (const created of providers.splice(0)) created.close();
    await server.close();
  });

  it('streams every candidate, reports usage, and the deltas of each choice concatenate to its content', async () => {
    server.enqueue(reply.text(['Solution: print("hello")\nNext request.', 'Solution: use  sys.stdout  Next request.'], { chunkDelayMs: 2 }));
    const deltas: ChatDelta[] = [];
    const result = await provider().complete(request({ n: 2 }), { onDelta: (delta) => deltas.push(delta) });

    expect(result.choices).toEqual([
      { content: 'Solution: print("hello")\nNext request.', finishReason: 'stop' },
      { content: 'Solution: use  sys.stdout  Next request.', finishReason: 'stop' },
    ]);
    for (const [index, choice] of result.choices.entries()) {
      const own = deltas.filter((delta) => delta.choice === index);
      expect(own.length).toBeGreaterThan(2);
      expect(own.map((delta) => delta.text).join('')).toBe(choice.content);
    }
    expect(new Set(deltas.map((delta) => delta.choice))).toEqual(new Set([0, 1]));
    expect(result.usage).toEqual({ promptTokens: 14, completionTokens: 9, totalTokens: 23 });
    expect(result.model).toBe('gpt-test');
    expect(result.attempts).toBe(1);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);

    const [sent] = server.requests;
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      n: 2,
      temperature: 0.2,
      max_tokens: 64,
      stop: ['<END>'],
      messages: request().messages,
    });
  });

  it('sends no Authorization header for a keyless endpoint and leaves n out for one candidate', async () => {
    const keyless = new OpenAiChatProvider({ id: 'local', baseUrl: server.url, env: { OPENAI_API_KEY: 'sk-must-not-be-sent' }, settings: FAST });
    providers.push(keyless);
    const result = await keyless.complete(request());
    expect(result.choices[0].content).toBe('Echo from gpt-test: Instruction: write hello world. Input: None');
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(server.requests[0].body.n).toBeUndefined();
  });

  it('waits as long as Retry-After says (seconds), then succeeds', async () => {
    server.enqueue(reply.rateLimited('1'), reply.text('after the limit'));
    const retries: ChatRetry[] = [];
    const started = Date.now();
    const result = await provider().complete(request(), { onRetry: (retry) => retries.push(retry) });
    expect(result.choices[0].content).toBe('after the limit');
    expect(result.attempts).toBe(2);
    const [first, second] = server.requests;
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries).toEqual([expect.objectContaining({ attempt: 2, delayMs: 1000 })]);
    expect(retries[0].error.kind).toBe('rate_limited');
  });

  it('honours Retry-After as an HTTP-date', async () => {
    server.enqueue(() => reply.rateLimited(new Date(Date.now() + 2_000).toUTCString()), reply.text('ok'));
    const retries: ChatRetry[] = [];
    await provider().complete(request(), { onRetry: (retry) => retries.push(retry) });
    // HTTP-dates have whole seconds: the wait is between 1 and 2 s.
    expect(retries[0].delayMs).toBeGreaterThan(900);
    expect(retries[0].delayMs).toBeLessThanOrEqual(2_000);
    expect(server.requests[1].receivedAt - server.requests[0].receivedAt).toBeGreaterThanOrEqual(retries[0].delayMs - 50);
  });

  it('gives up at once when Retry-After is beyond the cap, passing the wait on', async () => {
    server.enqueue(reply.rateLimited('120'));
    const error = await failure(provider().complete(request()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 until the attempts run out, then fails with server_error', async () => {
    server.respondWith(() => reply.serverError(500));
    const retries: ChatRetry[] = [];
    const error = await failure(provider({ maxAttempts: 3 }).complete(request(), { onRetry: (retry) => retries.push(retry) }));
    expect(error.kind).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('provider openai');
    expect(server.requests).toHaveLength(3);
    // Full jitter with random() = 0.5: half of 20 ms, then half of 40 ms.
    expect(retries.map((retry) => retry.delayMs)).toEqual([10, 20]);
  });

  it('does not retry a refused request', async () => {
    server.enqueue(reply.status(400, { body: { error: { message: 'model "gpt-test" does not exist', type: 'invalid_request_error' } } }));
    const error = await failure(provider().complete(request()));
    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('model "gpt-test" does not exist');
    expect(server.requests).toHaveLength(1);
  });

  it('times out when the endpoint sends no headers within the request timeout', async () => {
    server.enqueue(reply.hang());
    const started = Date.now();
    const error = await failure(provider({ requestTimeoutMs: 300, maxAttempts: 1 }).complete(request()));
    expect(error.message).toBe('provider openai: no response within 300 ms');
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    await server.requests[0].done;
    expect(server.requests[0].closedByClient).toBe(true);
  });

  it('times out when a started stream goes silent longer than the idle timeout', async () => {
    server.enqueue(reply.hang(3));
    const deltas: ChatDelta[] = [];
    const error = await failure(provider({ idleTimeoutMs: 300, maxAttempts: 1 }).complete(request(), { onDelta: (delta) => deltas.push(delta) }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('no data for 300 ms');
    expect(deltas).toHaveLength(3);
    await server.requests[0].done;
    expect(server.requests[0].closedByClient).toBe(true);
  });

  it('an abort mid-stream ends the HTTP call at once: the server sees the connection close', async () => {
    server.enqueue(reply.text('one two three four five six seven eight nine ten', { chunkDelayMs: 200 }));
    const controller = new AbortController();
    const deltas: ChatDelta[] = [];
    const call = provider().complete(request(), {
      signal: controller.signal,
      onDelta: (delta) => {
        deltas.push(delta);
        if (deltas.length === 2) controller.abort();
      },
    });
    const error = await failure(call);
    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
    const [sent] = server.requests;
    const closedWithin = await Promise.race([sent.done.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 150))]);
    expect(closedWithin).toBe(true);
    expect(sent.closedByClient).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during a backoff wait ends the call without another attempt', async () => {
    server.enqueue(reply.rateLimited('2'));
    const controller = new AbortController();
    const call = provider().complete(request(), { signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 50) });
    const started = Date.now();
    const error = await failure(call);
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('a chunk that is not JSON is malformed_response', async () => {
    server.respondWith(() => reply.malformed(2));
    const error = await failure(provider({ maxAttempts: 2 }).complete(request()));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toMatch(/^provider openai: the endpoint sent a chunk that is not JSON/);
    expect(server.requests).toHaveLength(2);
  });

  it('a chunk of the wrong shape is malformed_response', async () => {
    server.enqueue(reply.malformed(0, JSON.stringify({ id: 'x', choices: [{ index: 5, delta: { content: 'hi' } }] })));
    const error = await failure(provider({ maxAttempts: 1 }).complete(request()));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toContain('choice index 5 outside 0..0');
  });

  it('a connection dropped mid-stream is retried; onRetry voids the deltas so far and the rest concatenates to the answer', async () => {
    server.enqueue(reply.drop(3), reply.text('the whole answer, second time'));
    const seen: string[] = [];
    const retries: ChatRetry[] = [];
    const voided: string[] = [];
    const result = await provider().complete(request(), {
      onDelta: (delta) => seen.push(delta.text),
      onRetry: (retry) => {
        retries.push(retry);
        voided.push(seen.join(''));
        seen.length = 0;
      },
    });
    expect(retries.map((retry) => retry.error.kind)).toEqual(['network']);
    // The first attempt really was cut mid-stream: three chunks had arrived.
    expect(voided).toEqual(['This answer is']);
    expect(result.attempts).toBe(2);
    expect(seen.join('')).toBe('the whole answer, second time');
    expect(result.choices[0].content).toBe('the whole answer, second time');
  });

  it('an endpoint that ignores n is malformed_response naming the shortfall', async () => {
    server.enqueue(reply.text('only one', { candidates: 1 }));
    const error = await failure(provider({ maxAttempts: 1 }).complete(request({ n: 3 })));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toBe('provider openai: malformed answer: asked for 3 candidates, the answer had 1 (does the endpoint support n?)');
  });
});
