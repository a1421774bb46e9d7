/**
 * The local provider's generation thread (a worker_threads Worker started by ModelHost): loads
 * models from their folders (sha256 of the weights checked), keeps the most recently used ones
 * (LRU, `workerData.cacheSize`), and generates with libs/ml — ChatML prompt, KV cache, sampling —
 * posting the text as it grows. Requests interleave token by token (each yields to the event loop
 * between tokens, which is also when a cancel arrives).
 */
import type { HfModel } from '@camel/ml';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadMl } from '../load-ml';
import { visibleText, type GenerateRequest, type HostMessage, type ThreadMessage } from './generation-protocol';

const port = parentPort;
if (!port) throw new Error('generation-thread runs in a worker thread');
const cacheSize: number = (workerData as { cacheSize?: number } | null)?.cacheSize ?? 2;
const loaded = new Map<string, HfModel>();
const cancelled = new Set<number>();
/** libs/ml, loaded lazily as everywhere in this project (load-ml.ts). */
const ml = loadMl().then(async (lib) => {
  await lib.initBackend();
  return lib;
});

const post = (message: ThreadMessage) => port.postMessage(message);
/**
 * A byte-level model can emit any byte, NUL and other control characters included; they are not
 * text (PostgreSQL's JSON refuses \u0000 in an event): only tab, line feed and carriage return stay.
 */
// eslint-disable-next-line no-control-regex
const printable = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

class RequestError extends Error {
  constructor(
    readonly kind: 'bad_request' | 'server_error' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

function load(loadHfModel: (dir: string) => HfModel, folder: string, sha256: string): HfModel {
  const key = `${folder}\u0000${sha256}`;
  const hit = loaded.get(key);
  if (hit) {
    loaded.delete(key);
    loaded.set(key, hit);
    return hit;
  }
  const actual = createHash('sha256').update(readFileSync(join(folder, 'model.safetensors'))).digest('hex');
  if (actual !== sha256) throw new RequestError('server_error', `the weights of ${folder} changed since the model was registered (sha256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…)`);
  const model = loadHfModel(folder);
  loaded.set(key, model);
  while (loaded.size > cacheSize) {
    const [oldest, evicted] = loaded.entries().next().value as [string, HfModel];
    loaded.delete(oldest);
    evicted.model.dispose();
  }
  return model;
}

async function generate(request: GenerateRequest): Promise<void> {
  const { CHAT_END, encodeChat, generateTokens, loadHfModel } = await ml;
  const { model, tokenizer } = load(loadHfModel, request.folder, request.sha256);
  const context = model.config.maxPositions;
  const maxTokens = Math.max(1, Math.min(request.maxTokens, Math.floor(context / 2)));
  // The prompt keeps its last tokens when it is longer than the context leaves room for.
  const prompt = encodeChat(tokenizer, request.messages).slice(-(context - maxTokens));
  const stopTokens = [tokenizer.tokenId(CHAT_END), model.config.eosTokenId].filter((id): id is number => id !== undefined);
  const ids: number[] = [];
  let sent = '';
  let finishReason: 'stop' | 'length' = 'length';
  const tokens = generateTokens(model, prompt, { maxTokens, temperature: request.temperature, topP: request.topP, stopTokens, seed: request.seed });
  try {
    for (;;) {
      if (cancelled.has(request.id)) throw new RequestError('aborted', 'the generation was cancelled');
      const next = tokens.next();
      if (next.done) {
        finishReason = next.value;
        break;
      }
      ids.push(next.value.id);
      const { text, stopped } = visibleText(printable(tokenizer.decode(ids, { skipSpecial: true })), request.stop);
      if (text.length > sent.length) {
        post({ type: 'delta', id: request.id, text: text.slice(sent.length) });
        sent = text;
      }
      if (stopped) {
        finishReason = 'stop';
        break;
      }
      await tick();
    }
  } finally {
    tokens.return('stop');
  }
  const final = visibleText(printable(tokenizer.decode(ids, { skipSpecial: true })), request.stop).text.replace(/\uFFFD+$/, '');
  if (final.length > sent.length) post({ type: 'delta', id: request.id, text: final.slice(sent.length) });
  post({ type: 'done', id: request.id, text: final, finishReason, promptTokens: prompt.length, completionTokens: ids.length });
}

port.on('message', (message: HostMessage) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    return;
  }
  generate(message)
    .catch((error: unknown) => {
      const kind = error instanceof RequestError ? error.kind : 'server_error';
      post({ type: 'error', id: message.id, kind, message: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => cancelled.delete(message.id));
});
