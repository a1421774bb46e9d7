/**
 * The ceiling, in its own process: the same number of model calls as the product made, straight
 * against the test server with the same concurrency and the same client (`openai`, streamed, usage
 * included, no retries) — no engine, no event store, no log, no projections.
 */
import OpenAI from 'openai';
import { performance } from 'node:perf_hooks';
import type { DirectReply, DirectRequest } from './protocol';
import { WindowMeter } from './window-meter';

const send = (message: DirectReply): void => {
  process.send?.(message);
};

/** About the size of a CAMEL system prompt and one instruction. */
const MESSAGES = [
  { role: 'system' as const, content: 'Never forget you are a Python Programmer and I am a Stock Trader. Never flip roles! '.repeat(18) },
  { role: 'user' as const, content: 'Instruction: Write a function that fetches the daily closing prices of a list of tickers.\nInput: None' },
];

/** Connection errors (e.g. a keep-alive socket the server closed as it was reused) are retried and counted, as the product's provider retries them. */
const MAX_ATTEMPTS = 4;

async function callOnce(client: OpenAI): Promise<void> {
  const stream = await client.chat.completions.create({ model: 'direct-1', messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  if (text.length === 0) throw new Error('empty answer from the test server');
}

async function callsFrom(client: OpenAI, calls: number, callMs: number[], retried: { count: number }): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const sent = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await callOnce(client);
        break;
      } catch (error) {
        if (!(error instanceof OpenAI.APIConnectionError) || attempt === MAX_ATTEMPTS) throw error;
        retried.count += 1;
      }
    }
    callMs.push(performance.now() - sent);
  }
  return performance.now() - started;
}

async function run(url: string, callsPerLoop: readonly number[]): Promise<void> {
  const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
  const meter = new WindowMeter();
  // Warm-up, not measured, as for the product: two calls per loop open the connections.
  await Promise.all(callsPerLoop.map(() => callsFrom(client, 2, [], { count: 0 })));
  const callMs: number[] = [];
  const retried = { count: 0 };
  meter.start();
  const started = performance.now();
  const loopMs = await Promise.all(callsPerLoop.map((calls) => callsFrom(client, calls, callMs, retried)));
  const seconds = (performance.now() - started) / 1000;
  send({ type: 'done', result: { calls: callMs.length, retried: retried.count, seconds, loopMs, callMs, ...meter.stop() } });
}

process.on('message', (message: DirectRequest) => {
  switch (message.type) {
    case 'run':
      run(message.url, message.callsPerLoop).catch((error: unknown) => send({ type: 'error', message: `${String(error)} (cause: ${String((error as { cause?: unknown }).cause)})` }));
      return;
    case 'stop':
      process.exit(0);
      return;
    default: {
      const unknown: never = message;
      send({ type: 'error', message: `unknown request ${JSON.stringify(unknown)}` });
    }
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
