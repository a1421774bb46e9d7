import { main } from './openai-test-server.main';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-test-server';
import { chunkText, reply } from './test-replies';

const chat = (server: OpenAiTestServer, body: object, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
interface Completion {
  readonly object: string;
  readonly choices: { message: { content: string } }[];
  readonly usage: unknown;
}

const hello = { model: 'test-model', messages: [{ role: 'system', content: 'You are the assistant.' }, { role: 'user', content: 'say hello' }] };

describe('the local OpenAI-compatible test server', () => {
  const servers: OpenAiTestServer[] = [];
  const start = async (options?: Parameters<typeof startOpenAiTestServer>[0]) => {
    const server = await startOpenAiTestServer(options);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('listens on 127.0.0.1, lists its models and answers a non-streaming completion with usage', async () => {
    const server = await start({ models: ['a', 'b'] });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['a', 'b']);

    const response = await chat(server, hello);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Completion;
    expect(body.object).toBe('chat.completion');
    expect(body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Echo from test-model: say hello' }, finish_reason: 'stop', logprobs: null }]);
    expect(body.usage).toEqual({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
    expect(server.requests[0].body).toEqual(hello);
  });

  it('answers by the request when given a responder (e.g. by the system prompt), queued replies first', async () => {
    const server = await start();
    server.respondWith((request) => reply.text(`as ${request.body.messages[0].content}`));
    server.enqueue(reply.text('queued'));
    const first = (await (await chat(server, hello)).json()) as Completion;
    const second = (await (await chat(server, hello)).json()) as Completion;
    expect(first.choices[0].message.content).toBe('queued');
    expect(second.choices[0].message.content).toBe('as You are the assistant.');
  });

  it('keeps the default latency per reply and refuses a wrong key', async () => {
    const server = await start({ latencyMs: 60, apiKey: 'sk-right' });
    expect((await chat(server, hello, { authorization: 'Bearer sk-wrong' })).status).toBe(401);
    const before = Date.now();
    expect((await chat(server, hello, { authorization: 'Bearer sk-right' })).status).toBe(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(55);
  });

  it('sends a scripted status with Retry-After and knows which requests are in flight', async () => {
    const server = await start();
    server.enqueue(reply.rateLimited('3'), reply.hang());
    const limited = await chat(server, hello);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const controller = new AbortController();
    const hanging = fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello), signal: controller.signal }).catch(() => 'aborted');
    const [inFlight] = await server.waitForInFlight(1);
    expect(inFlight.index).toBe(1);
    controller.abort();
    expect(await hanging).toBe('aborted');
    await inFlight.done;
    expect(inFlight.closedByClient).toBe(true);
    expect(server.inFlight).toBe(0);
  });

  it('refuses a body without messages with 400', async () => {
    const server = await start();
    expect((await chat(server, { model: 'x' })).status).toBe(400);
    expect(server.requests).toHaveLength(0);
  });

  it('runs as a process entry point that prints its URL', async () => {
    const lines: string[] = [];
    const server = await main(['--latency', '0', '--model', 'bench'], (line) => lines.push(line));
    servers.push(server);
    expect(lines).toEqual([`OpenAI-compatible test server on ${server.url} (0 ms per reply)`]);
    expect((await chat(server, hello)).status).toBe(200);
    await expect(main(['--latency', 'x'])).rejects.toThrow('--latency must be a whole number, got "x"');
  });

  it('chunks text so that the chunks concatenate to it exactly', () => {
    for (const text of ['', 'one', ' lead and trail  ', 'a\n\nb  c', 'Solution: x.\nNext request.']) {
      expect(chunkText(text).join('')).toBe(text);
      expect(chunkText(text, 3).join('')).toBe(text);
    }
    expect(chunkText('a b c d e', 2)).toEqual(['a b', ' c d', ' e']);
  });
});
