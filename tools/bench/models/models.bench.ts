import 'reflect-metadata';
import { CHAT_END, encodeChat, generateTokens, initBackend, loadHfModel, type HfModel } from '@camel/ml';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { byScale, formatTable, log, machineInfo, parseFlags, type BenchContext } from '../harness';

/**
 * Local generation speed: the starter model (models/starter) answering through the api's
 * `POST /v1/chat/completions` with `stream: true` (auth, the registry, the generation thread, SSE
 * over real HTTP) beside the same model generating in this process with libs/ml (`generateTokens`
 * with the KV cache, the same ChatML prompt, greedy, the same stop tokens) — the reference, measured
 * in the same run on the same backend. Tokens/s per request (prompt included), and the time to the
 * first streamed token. Checks: both generate the same number of tokens and, greedy, the same text.
 */
interface Measurement {
  readonly tokens: number;
  readonly seconds: number;
  /** Serving: the first content chunk; in-process: the first token out of the generator. */
  readonly firstTokenSeconds: number;
  readonly text: string;
}

/** Questions starter answers at length (it learnt the docs' sections as "Explain …"): 80–120 tokens before it ends its turn. */
const QUESTIONS = ['Explain checkpoints and resume.', 'Explain the model registry.', 'Explain training runs.'];
type Messages = readonly { readonly role: 'user'; readonly content: string }[];
const messagesOf = (repeat: number): Messages => [{ role: 'user', content: QUESTIONS[repeat % QUESTIONS.length] }];

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes = byScale(flags, { full: { tokens: 200, repeats: 6 }, quick: { tokens: 200, repeats: 3 }, smoke: { tokens: 16, repeats: 1 } });
  const modelDir = join(context.root, 'models', 'starter');
  const api = await startEmbeddedApi(join(context.root, 'models'));
  let failed = false;
  try {
    const projectId = (await api.post('/api/projects', { name: 'Bench' })).id as string;
    const key = (await api.post(`/api/projects/${projectId}/api-keys`, { name: 'bench', role: 'viewer' })).key as string;
    const backend = await initBackend();
    const starter = loadHfModel(modelDir);
    // One of each first: the thread loads the model, both warm their kernels.
    await served(api.baseUrl, key, messagesOf(0), 2);
    inProcess(starter, messagesOf(0), 2);
    const servedRuns: Measurement[] = [];
    const localRuns: Measurement[] = [];
    for (let i = 0; i < sizes.repeats; i++) {
      log(`repeat ${i + 1}/${sizes.repeats}: "${messagesOf(i)[0].content}", at most ${sizes.tokens} tokens, served then in process`);
      servedRuns.push(await served(api.baseUrl, key, messagesOf(i), sizes.tokens));
      localRuns.push(inProcess(starter, messagesOf(i), sizes.tokens));
    }
    for (const [a, b] of servedRuns.map((s, i) => [s, localRuns[i]] as const)) {
      if (a.tokens !== b.tokens || a.tokens === 0) {
        log(`CHECK FAILED: served ${a.tokens} tokens, in process ${b.tokens}`);
        failed = true;
      }
      if (a.text !== b.text) {
        log(`CHECK FAILED: greedy texts differ:\n  served:     ${JSON.stringify(a.text.slice(0, 120))}\n  in process: ${JSON.stringify(b.text.slice(0, 120))}`);
        failed = true;
      }
    }
    starter.model.dispose();
    const summary = (runs: readonly Measurement[]) => {
      const tokens = runs.reduce((n, r) => n + r.tokens, 0);
      const seconds = runs.reduce((n, r) => n + r.seconds, 0);
      const first = [...runs.map((r) => r.firstTokenSeconds)].sort((x, y) => x - y)[Math.floor(runs.length / 2)];
      return { tokens, seconds, perSecond: tokens / seconds, firstMs: first * 1000 };
    };
    const rows = [
      { path: 'in process (libs/ml generateTokens, reference)', ...summary(localRuns) },
      { path: 'served (/v1/chat/completions, stream)', ...summary(servedRuns) },
    ];
    const reference = rows[0].perSecond;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ machine: machineInfo(), backend, model: 'starter', sizes, rows, failed })}\n`);
    } else {
      process.stdout.write(
        `${formatTable(
          ['generation of starter', 'tokens', 'seconds', 'tokens/s', 'vs reference', 'first token (median)'],
          rows.map((r) => [r.path, String(r.tokens), r.seconds.toFixed(2), r.perSecond.toFixed(1), `${(r.perSecond / reference).toFixed(2)}×`, `${r.firstMs.toFixed(0)} ms`]),
          [1, 2, 3, 4, 5],
        )}\n\nbackend ${backend}; ${sizes.repeats} questions (at most ${sizes.tokens} tokens each: starter ends its turn first), one-message ChatML prompts, greedy; ${JSON.stringify(machineInfo())}\n`,
      );
    }
  } finally {
    await api.close();
  }
  if (failed) process.exitCode = 1;
}

const OWNER = { email: 'bench@example.test', password: 'bench-password-123' };

/** The real api in this process on a fresh embedded DATA_DIR (the environment is set before its modules load), signed in as the first owner. */
async function startEmbeddedApi(builtinModelsDir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-models-'));
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    BUILTIN_MODELS_DIR: builtinModelsDir,
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    JWT_SECRET: process.env['JWT_SECRET'] ?? 'bench-jwt-secret-of-at-least-thirty-two-characters',
    CONFIGS_DIR: join(tmpdir(), 'camel-no-sample-configs'),
  });
  const { createApiApp } = require('../../../apps/api/src/bootstrap') as { createApiApp(options: { logger: false }): Promise<INestApplication> };
  const app = await createApiApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async (path: string, body: unknown, token?: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
    return answer;
  };
  const token = (await call('/api/auth/login', OWNER)).accessToken as string;
  return {
    baseUrl,
    post: (path: string, body: unknown) => call(path, body, token),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One streamed completion through the api; the tokens are the usage chunk's count. */
async function served(baseUrl: string, key: string, messages: Messages, maxTokens: number): Promise<Measurement> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'starter', messages, max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } }),
  });
  if (response.status !== 200 || !response.body) throw new Error(`/v1/chat/completions answered ${response.status}: ${await response.text()}`);
  let firstTokenSeconds = Number.NaN;
  let text = '';
  let tokens = 0;
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const data = JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } | null };
      const content = data.choices[0]?.delta.content ?? '';
      if (content && Number.isNaN(firstTokenSeconds)) firstTokenSeconds = (performance.now() - started) / 1000;
      text += content;
      if (data.usage) tokens = data.usage.completion_tokens;
    }
  }
  return { tokens, seconds: (performance.now() - started) / 1000, firstTokenSeconds, text };
}

/** The same generation in this process, as the generation thread makes it (prompt, cap, stop tokens). */
function inProcess({ model, tokenizer }: HfModel, messages: Messages, maxTokens: number): Measurement {
  const started = performance.now();
  const context = model.config.maxPositions;
  const cap = Math.max(1, Math.min(maxTokens, Math.floor(context / 2)));
  const prompt = encodeChat(tokenizer, messages).slice(-(context - cap));
  const stopTokens = [tokenizer.tokenId(CHAT_END), model.config.eosTokenId].filter((id): id is number => id !== undefined);
  const ids: number[] = [];
  let firstTokenSeconds = Number.NaN;
  for (const token of generateTokens(model, prompt, { maxTokens: cap, temperature: 0, topP: 1, stopTokens, seed: 0 })) {
    if (ids.length === 0) firstTokenSeconds = (performance.now() - started) / 1000;
    ids.push(token.id);
  }
  const seconds = (performance.now() - started) / 1000;
  return { tokens: ids.length, seconds, firstTokenSeconds, text: tokenizer.decode(ids, { skipSpecial: true }) };
}
