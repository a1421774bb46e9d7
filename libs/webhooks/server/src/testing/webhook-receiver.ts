import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (what the signature covers). */
  readonly body: string;
  /** What the receiver answered (null: it never answered, e.g. a hang). */
  status: number | null;
}

/** A status to answer with, or 'hang' (never answer: the sender's timeout ends the attempt). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  /** How to answer the next requests (default 200); `script` answers are used first, in order. */
  answer(status: ReceiverAnswer, ...script: ReceiverAnswer[]): void;
  close(): Promise<void>;
}

/** A webhook receiver the test starts: records every request and answers as told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let fallback: ReceiverAnswer = 200;
  let script: ReceiverAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedWebhook = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status: null };
      received.push(entry);
      const answer = script.shift() ?? fallback;
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      entry.status = answer;
      response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer(status, ...next) {
      fallback = status;
      script = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
