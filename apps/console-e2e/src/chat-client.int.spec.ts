import { ApiClient, ApiError, ChatClient } from '@camel/console-data-access';
import { reply, startOpenAiTestServer, type OpenAiTestServer } from '@camel/workflows/server/testing';

/**
 * The playground's client (`ChatClient` over `ApiClient.openStream`) against a real
 * OpenAI-compatible HTTP server streaming server-sent events: what the console sends, the deltas in
 * order as they arrive, a refreshed token after a 401, OpenAI's error body, an abort.
 */
describe('ChatClient over a streaming OpenAI-compatible server', () => {
  const KEY = 'fresh-token';
  let server: OpenAiTestServer;
  const origin = () => new URL(server.url).origin;

  beforeAll(async () => {
    server = await startOpenAiTestServer({ apiKey: KEY });
  });
  afterAll(() => server.close());

  it('sends the token and the project header, and hands over each delta before the reply ends', async () => {
    server.enqueue(reply.text('one two three four', { chunkDelayMs: 40 }));
    const chat = new ChatClient(new ApiClient({ baseUrl: origin(), accessToken: KEY }));
    const deltas: { text: string; answering: boolean }[] = [];
    const answer = await chat.stream('project-1', { model: 'tiny', messages: [{ role: 'user', content: 'count' }], temperature: 0.2, max_tokens: 8 }, (text) =>
      deltas.push({ text, answering: server.inFlight > 0 }),
    );
    const request = server.requests.at(-1);
    expect(request?.headers['openai-project']).toBe('project-1');
    expect(request?.body).toMatchObject({ model: 'tiny', stream: true, temperature: 0.2, max_tokens: 8 });
    expect(deltas.map((d) => d.text).join('')).toBe('one two three four');
    expect(deltas.length).toBeGreaterThan(1);
    // Streamed: the first piece arrived while the server was still answering.
    expect(deltas[0]?.answering).toBe(true);
    expect(answer).toMatchObject({ content: 'one two three four', finishReason: 'stop' });
  });

  it('renews an expired token once and streams with the new one', async () => {
    server.enqueue(reply.text('renewed'));
    let renewals = 0;
    const client = new ApiClient({ baseUrl: origin(), accessToken: 'expired', refreshAccessToken: async () => (renewals++, KEY) });
    const answer = await new ChatClient(client).stream('p', { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] }, () => undefined);
    expect([renewals, answer.content]).toEqual([1, 'renewed']);
  });

  it("turns OpenAI's error body into an ApiError carrying its message", async () => {
    server.enqueue(reply.status(404, { body: { error: { message: 'model tiny does not exist', type: 'invalid_request_error', code: 'model_not_found' } } }));
    const failed = await new ChatClient(new ApiClient({ baseUrl: origin(), accessToken: KEY }))
      .stream('p', { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] }, () => undefined)
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ApiError);
    expect([(failed as ApiError).status, (failed as ApiError).displayMessage]).toEqual([404, 'model tiny does not exist']);
  });

  it('stops reading when aborted, and the server sees the client go', async () => {
    server.enqueue(reply.text('a b c d e f g h i j k l', { chunkDelayMs: 100 }));
    const abort = new AbortController();
    const seen: string[] = [];
    const streaming = new ChatClient(new ApiClient({ baseUrl: origin(), accessToken: KEY })).stream(
      'p',
      { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] },
      (text) => {
        seen.push(text);
        if (seen.length === 2) abort.abort();
      },
      abort.signal,
    );
    await expect(streaming).rejects.toThrow();
    const request = server.requests.at(-1);
    await request?.done;
    expect(request?.closedByClient).toBe(true);
    expect(seen.join('').length).toBeLessThan('a b c d e f g h i j k l'.length);
  });
});
