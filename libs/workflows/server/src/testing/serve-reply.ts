import type { ServerResponse } from 'node:http';
import { chunkText, countTokens, textOf, type RecordedRequest, type TestReply } from './test-replies';

export interface ReplyConnection {
  readonly res: ServerResponse;
  /** True once the client went away or the server is closing: stop writing. */
  gone(): boolean;
  /** Destroys the connection mid-answer on purpose (marks it as not closed by the client). */
  drop(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes one scripted reply as OpenAI's chat completions API would: SSE when asked to stream. */
export async function serveReply(reply: TestReply, request: RecordedRequest, connection: ReplyConnection, id: string): Promise<void> {
  const { res } = connection;
  if (reply.latencyMs) await sleep(reply.latencyMs);
  if (connection.gone()) return;
  switch (reply.kind) {
    case 'status':
      return serveStatus(reply, request, res);
    case 'hang':
      if (reply.afterChunks === undefined) return;
      return serveText(request, connection, id, { ...reply, kind: 'text', text: defaultLongText }, { stopAfter: reply.afterChunks, then: 'hang' });
    case 'drop':
      return serveText(request, connection, id, { ...reply, kind: 'text', text: defaultLongText }, { stopAfter: reply.afterChunks, then: 'drop' });
    case 'malformed':
      return serveText(request, connection, id, { ...reply, kind: 'text', text: defaultLongText }, { stopAfter: reply.afterChunks, then: 'malformed', raw: reply.raw });
    case 'text':
      return serveText(request, connection, id, reply);
    default: {
      const never: never = reply;
      throw new Error(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

const defaultLongText = 'This answer is longer than the scripted failure lets it get: it keeps going for a while yet.';

function serveStatus(reply: Extract<TestReply, { kind: 'status' }>, request: RecordedRequest, res: ServerResponse): void {
  const body =
    typeof reply.body === 'function'
      ? (reply.body as (request: RecordedRequest) => unknown)(request)
      : (reply.body ?? { error: { message: `scripted HTTP ${reply.status}`, type: reply.status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify(body));
}

interface Interruption {
  readonly stopAfter: number;
  readonly then: 'hang' | 'drop' | 'malformed';
  readonly raw?: string;
}

async function serveText(
  request: RecordedRequest,
  connection: ReplyConnection,
  id: string,
  reply: Extract<TestReply, { kind: 'text' }>,
  interruption?: Interruption,
): Promise<void> {
  const { res } = connection;
  const n = reply.candidates ?? Math.max(1, request.body.n ?? 1);
  const model = request.body.model ?? 'test-model';
  const texts = Array.from({ length: n }, (_, choice) => textOf(reply.text, request, choice));
  const usage = {
    prompt_tokens: reply.usage?.prompt_tokens ?? request.body.messages.reduce((sum, m) => sum + countTokens(m.content), 0),
    completion_tokens: reply.usage?.completion_tokens ?? texts.reduce((sum, text) => sum + countTokens(text), 0),
  };
  const finishReason = reply.finishReason ?? 'stop';
  const created = Math.floor(Date.now() / 1000);

  if (!request.body.stream) {
    if (interruption?.then === 'hang') return;
    if (interruption?.then === 'drop') return connection.drop();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (interruption?.then === 'malformed') return void res.end(interruption.raw ?? '{"id": "broken", "choices": [');
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: texts.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: finishReason, logprobs: null })),
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
  for (let index = 0; index < n; index++) send([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);

  const chunks = texts.map((text) => chunkText(text, reply.wordsPerChunk));
  const rounds = Math.max(0, ...chunks.map((c) => c.length));
  let written = 0;
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < n; index++) {
      const piece = chunks[index][round];
      if (piece === undefined) continue;
      if (interruption && written === interruption.stopAfter) return interrupt(connection, interruption);
      if (reply.chunkDelayMs && written > 0) await sleep(reply.chunkDelayMs);
      if (connection.gone()) return;
      send([{ index, delta: { content: piece }, finish_reason: null }]);
      written += 1;
    }
  }
  if (interruption) return interrupt(connection, interruption);
  for (let index = 0; index < n; index++) send([{ index, delta: {}, finish_reason: finishReason }]);
  if (request.body.stream_options?.include_usage) send([], { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  res.end('data: [DONE]\n\n');
}

function interrupt(connection: ReplyConnection, interruption: Interruption): void {
  switch (interruption.then) {
    case 'hang':
      return;
    case 'drop':
      return connection.drop();
    case 'malformed':
      connection.res.end(`data: ${interruption.raw ?? '{"id": "broken", "choices": [{"index": 0, "delta": {"content": '}\n\n`);
      return;
    default: {
      const never: never = interruption.then;
      throw new Error(`unknown interruption ${String(never)}`);
    }
  }
}
