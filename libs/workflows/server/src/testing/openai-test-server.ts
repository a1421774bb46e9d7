import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serveReply } from './serve-reply';
import { echoText, reply as replies, type ChatCompletionBody, type RecordedRequest, type ScriptedReply, type TestReply } from './test-replies';

export interface OpenAiTestServerOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Latency of the default reply (no script), before the headers. */
  readonly latencyMs?: number;
  /** Delay between the default reply's chunks. */
  readonly chunkDelayMs?: number;
  /** Listed by `GET /v1/models`. */
  readonly models?: readonly string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  readonly apiKey?: string;
}

/**
 * A real HTTP server on 127.0.0.1 speaking OpenAI's chat completions API, the one stand-in for a
 * model in tests and benchmarks. Replies come from the queue (`enqueue`), else the responder
 * (`respondWith`), else a deterministic echo.
 */
export interface OpenAiTestServer {
  /** Base URL for a provider config, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every chat completions request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received whose answer is not over yet. */
  readonly inFlight: number;
  enqueue(...replies: ScriptedReply[]): void;
  respondWith(responder: ((request: RecordedRequest) => TestReply) | undefined): void;
  /** Resolves once `count` requests have arrived (over the server's life). */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Resolves once at least `count` requests are in flight at the same time. */
  waitForInFlight(count?: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  close(): Promise<void>;
}

interface Watcher {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

export async function startOpenAiTestServer(options: OpenAiTestServerOptions = {}): Promise<OpenAiTestServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const open = new Set<RecordedRequest>();
  const sockets = new Set<Socket>();
  const watchers = new Set<Watcher>();
  let responder: ((request: RecordedRequest) => TestReply) | undefined;
  let closing = false;
  let nextId = 0;
  const models = options.models ?? ['test-model'];

  const notify = () => {
    for (const watcher of watchers) {
      if (watcher.ready()) {
        watchers.delete(watcher);
        watcher.resolve();
      }
    }
  };
  const waitUntil = (ready: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (ready()) return resolve();
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`test server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const watcher: Watcher = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      watchers.add(watcher);
    });

  const choose = (request: RecordedRequest): TestReply => {
    const scripted = queue.shift();
    if (scripted) return typeof scripted === 'function' ? scripted(request) : scripted;
    if (responder) return responder(request);
    return replies.text(echoText, { latencyMs: options.latencyMs, chunkDelayMs: options.chunkDelayMs });
  };

  const handleChat = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: ChatCompletionBody;
    try {
      body = JSON.parse(raw) as ChatCompletionBody;
      if (!Array.isArray(body.messages)) throw new Error('messages must be a list');
    } catch (error) {
      return sendJson(res, 400, { error: { message: `invalid body: ${(error as Error).message}`, type: 'invalid_request_error', code: null } });
    }
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let dropped = false;
    const request = {
      index: requests.length,
      method: req.method ?? 'POST',
      path: req.url ?? '',
      headers: req.headers,
      body,
      receivedAt: Date.now(),
      closedByClient: false,
      done,
    };
    requests.push(request);
    open.add(request);
    res.on('close', () => {
      if (!res.writableFinished && !dropped && !closing) request.closedByClient = true;
      open.delete(request);
      finish();
      notify();
    });
    notify();
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const connection = {
      res,
      gone: () => closing || res.destroyed,
      drop: () => {
        dropped = true;
        // end, not destroy: what was written goes out first, then the connection closes mid-answer.
        res.socket?.end();
      },
    };
    await serveReply(choose(request), request, connection, `chatcmpl-test-${nextId++}`);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'camel-test' })) });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error', code: null } });
    }
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      handleChat(req, res, Buffer.concat(parts).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'server_error', code: null } });
        else res.destroy();
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return open.size;
    },
    enqueue: (...more) => void queue.push(...more),
    respondWith: (next) => void (responder = next),
    waitForRequests: async (count, timeoutMs = 10_000) => {
      await waitUntil(() => requests.length >= count, `${count} requests (got ${requests.length})`, timeoutMs);
      return requests.slice(0, count);
    },
    waitForInFlight: async (count = 1, timeoutMs = 10_000) => {
      await waitUntil(() => open.size >= count, `${count} requests in flight`, timeoutMs);
      return [...open];
    },
    close: async () => {
      closing = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
