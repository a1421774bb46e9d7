import { LIVE_EVENTS_PATH, RunDeltaMessage, type ModelDetail, type LogPage, type ModelList, type RecordedEvent, type RunDelta, type RunView } from '@camel/contracts';
import { LiveEventsClient } from '@camel/console-data-access';
import type { Engine } from '@camel/event-store/testing';
import { MODEL_CATALOG, type ModelCatalog } from '@camel/models/server';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { io } from 'socket.io-client';
import { startTestApi, type TestApi } from './api-harness';
import { pollUntil } from './poll-until';

/** libs/ml's tiny random Llama (d 32, 2 layers, context 64) in the Hugging Face layout: fast enough to generate in a test. */
const TINY = resolve(__dirname, '../../../../libs/ml/src/fixtures/tiny-llama');
const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

const copyModel = (to: string, card?: string) => {
  mkdirSync(to, { recursive: true });
  for (const file of MODEL_FILES) cpSync(join(TINY, file), join(to, file));
  if (card) writeFileSync(join(to, 'README.md'), card);
};

const agents = `version: 1
providers:
  - id: mine
    type: local
agents:
  - name: programmer
    role: Python Programmer
    system_prompt: You write Python.
    model: { provider: mine, name: tiny, temperature: 0.8, max_tokens: 12 }
  - name: trader
    role: Stock Trader
    system_prompt: You trade stocks.
    model: { provider: mine, name: tiny, temperature: 0, max_tokens: 8 }
`;
const ROLE_PLAY = `version: 1
name: trading
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot for the stock market.
max_turns: 3
`;

/**
 * The model registry, the local provider and OpenAI-compatible serving through the real api: a
 * built-in folder, imports from an allowed directory, tags, archive, a workflow run on `type: local`
 * whose turns stream, and the official `openai` client against /v1.
 */
export function modelsApiSuite(engine: Engine): void {
  describe(`models API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let dir: string;
    let projectId: string;
    let apiKey: string;
    const base = () => `/api/projects/${projectId}`;
    const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => pollUntil(what, read, done, { timeoutMs: 60_000, intervalMs: 50 });
    const head = () => api.store.headPosition();
    const importModel = (body: unknown) => api.request('POST', `${base()}/models/import`, body);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'camel-models-'));
      copyModel(join(dir, 'builtin/tiny'), '# tiny\n\nA tiny random model for tests.\n');
      copyModel(join(dir, 'incoming/helper'), '# helper\n\nImported for the test.\n');
      writeFileSync(join(dir, 'incoming/helper/metrics.jsonl'), '{"step":1,"loss":2.5}\n{"step":2,"loss":1.25}\n');
      copyModel(join(dir, 'incoming/second'));
      copyModel(join(dir, 'incoming/bad-shape'));
      writeFileSync(join(dir, 'incoming/bad-shape/config.json'), JSON.stringify({ model_type: 'llama', vocab_size: 281, hidden_size: 64, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, tie_word_embeddings: true }));
      copyModel(join(dir, 'incoming/rope-scaled'));
      writeFileSync(join(dir, 'incoming/rope-scaled/config.json'), JSON.stringify({ model_type: 'llama', vocab_size: 281, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, rope_scaling: { type: 'linear', factor: 2 } }));
      copyModel(join(dir, 'outside/elsewhere'));
      process.env['BUILTIN_MODELS_DIR'] = join(dir, 'builtin');
      process.env['MODELS_DIR'] = join(dir, 'models');
      process.env['MODEL_IMPORT_DIRS'] = join(dir, 'incoming');
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Models' })).body.id;
      apiKey = (await api.request('POST', `${base()}/api-keys`, { name: 'client', role: 'viewer' })).body.key;
      const saved = await api.request('POST', `${base()}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents, 'workflows/trading.yaml': ROLE_PLAY }, message: 'local models' });
      expect([saved.status, saved.body.problems]).toEqual([201, undefined]);
    });
    afterAll(async () => {
      await api?.close();
      for (const key of ['BUILTIN_MODELS_DIR', 'MODELS_DIR', 'MODEL_IMPORT_DIRS']) delete process.env[key];
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists the built-in folder for every project, with its architecture and card', async () => {
      const list = await api.request('GET', `${base()}/models`);
      expect(list.status).toBe(200);
      expect(Number(list.headers.get('x-read-position'))).toBeGreaterThanOrEqual(0);
      expect((list.body as ModelList).models).toEqual([
        expect.objectContaining({ id: 'tiny', projectId: null, name: 'tiny', source: 'builtin', description: 'A tiny random model for tests.', archived: false, tags: [] }),
      ]);
      expect((list.body as ModelList).models[0].architecture).toEqual({ family: 'llama', parameters: 281 * 32 + 2 * (2 * 32 + 2 * 32 * 32 + 2 * 16 * 32 + 3 * 32 * 64) + 32, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 281, contextLength: 64 });
      const detail = await api.request('GET', `${base()}/models/tiny`);
      expect(detail.body).toMatchObject({ card: expect.stringContaining('A tiny random model'), usedBy: [], history: [] });
      expect((await api.request('POST', `${base()}/models/tiny/tags`, { tag: 'production' })).status).toBe(409);
    });

    it.each([
      ['a folder outside MODEL_IMPORT_DIRS', () => ({ name: 'x', path: join(dir, 'outside/elsewhere') }), 'path', 'not inside'],
      ['a path that climbs out', () => ({ name: 'x', path: '../outside/elsewhere' }), 'path', 'not inside'],
      ['a folder that does not exist', () => ({ name: 'x', path: 'missing' }), 'path', 'does not exist'],
      ['weights that do not fit config.json', () => ({ name: 'x', path: 'bad-shape' }), 'path', 'shape'],
      ['a config libs/ml does not support', () => ({ name: 'x', path: 'rope-scaled' }), 'path', 'rope_scaling'],
      ['an upper-case name', () => ({ name: 'Helper', path: 'helper' }), 'name', 'name'],
      ['no path', () => ({ name: 'x' }), 'path', 'path'],
    ])('refuses to import %s with a 400 naming the input, appending nothing', async (_label, body, field, text) => {
      const before = await head();
      const answer = await importModel(body());
      expect(answer.status).toBe(400);
      expect(answer.body.fields).toContainEqual(expect.objectContaining({ field }));
      expect(answer.body.message).toContain(text);
      expect(await head()).toBe(before);
    });

    it('imports a folder, tags move between models, archive frees the name', async () => {
      const imported = await importModel({ name: 'helper', description: 'mine', path: 'helper' });
      expect(imported.status).toBe(201);
      const a = imported.body.id as string;
      expect((await importModel({ name: 'helper', path: 'second' })).status).toBe(409);
      expect((await importModel({ name: 'tiny', path: 'second' })).body).toMatchObject({ code: 'model.name.taken', fields: [{ field: 'name' }] });
      const b = (await importModel({ name: 'second', path: join(dir, 'incoming/second') })).body.id as string;
      const detail = (await api.request('GET', `${base()}/models/${a}`)).body as ModelDetail;
      expect(detail.model).toMatchObject({ id: a, projectId, name: 'helper', source: 'import', description: 'mine', metrics: { loss: 1.25 }, tags: [] });
      expect(detail.card).toContain('Imported for the test.');

      expect((await api.request('POST', `${base()}/models/${a}/tags`, { tag: 'production' })).status).toBe(200);
      expect((await api.request('POST', `${base()}/models/${b}/tags`, { tag: 'production' })).status).toBe(200);
      const tags = async () => Object.fromEntries(((await api.request('GET', `${base()}/models`)).body as ModelList).models.map((m) => [m.name, m.tags]));
      expect(await tags()).toEqual({ tiny: [], helper: [], second: ['production'] });
      expect((await api.request('POST', `${base()}/models/${b}/tags`, { tag: 'Bad Tag' })).body.fields).toEqual([expect.objectContaining({ field: 'tag' })]);
      expect((await api.request('DELETE', `${base()}/models/${b}/tags/production`)).status).toBe(200);
      expect((await api.request('DELETE', `${base()}/models/${b}/tags/production`)).status).toBe(404);

      const compared = await api.request('GET', `${base()}/models/compare?ids=${a},tiny`);
      expect(compared.body).toMatchObject({ models: [{ id: a }, { id: 'tiny' }], metrics: ['loss'] });
      expect((await api.request('GET', `${base()}/models/compare?ids=${a}`)).body.fields).toEqual([expect.objectContaining({ field: 'ids' })]);

      expect((await api.request('POST', `${base()}/models/${b}/archive`)).status).toBe(200);
      expect(Object.keys(await tags())).toEqual(['tiny', 'helper']);
      expect((await importModel({ name: 'second', path: 'second' })).status).toBe(201);
      expect((await api.request('GET', `${base()}/models/not%20an%20id`)).body.fields).toEqual([expect.objectContaining({ field: 'modelId' })]);
    });

    it('puts the model events on the project topic, from the list’s read position on', async () => {
      const list = await api.request('GET', `${base()}/models`);
      const from = Number(list.headers.get('x-read-position'));
      const client = new LiveEventsClient({ url: api.baseUrl, token: api.ownerToken });
      const received: RecordedEvent[] = [];
      client.subscribe({ kind: 'project', projectId }, from, { onEvents: (events) => received.push(...events) });
      try {
        const made = (await importModel({ name: 'live', path: 'second' })).body.id as string;
        expect((await api.request('POST', `${base()}/models/${made}/tags`, { tag: 'live' })).status).toBe(200);
        expect((await api.request('POST', `${base()}/models/${made}/archive`)).status).toBe(200);
        const types = await until('the model events', async () => received.filter((e) => e.streamId === `model-${made}`).map((e) => e.type), (t) => t.length >= 4);
        expect(types).toEqual(['ModelRegistered', 'ModelTagged', 'ModelUntagged', 'ModelArchived']);
      } finally {
        client.close();
      }
    });

    it('removes the copied folder when the registration is refused after the copy (an archived project)', async () => {
      const archived = (await api.request('POST', '/api/projects', { name: 'Archived models' })).body.id as string;
      expect((await api.request('POST', `/api/projects/${archived}/archive`)).status).toBe(200);
      const folders = () => (existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')).sort() : []);
      const before = folders();
      const answer = await api.request('POST', `/api/projects/${archived}/models/import`, { name: 'late', path: 'helper' });
      expect([answer.status, answer.body.code]).toEqual([409, 'project.archived']);
      expect(folders()).toEqual(before);
    });

    it('registers a trained model through the ModelCatalog once per training run; it resolves by name', async () => {
      const catalog = api.app.get<ModelCatalog>(MODEL_CATALOG);
      const modelId = randomUUID();
      copyModel(catalog.folderFor(modelId));
      writeFileSync(join(catalog.folderFor(modelId), 'metrics.jsonl'), `${JSON.stringify({ step: 1, epoch: 0.5, metrics: { loss: 0.69, 'rewards/accuracies': 0.5 }, learningRate: 1e-5, tokensPerSecond: 100, at: '2026-01-01T00:00:00.000Z' })}\n`);
      const architecture = ((await api.request('GET', `${base()}/models/tiny`)).body as ModelDetail).model.architecture;
      const input = {
        modelId,
        projectId,
        name: 'tuned',
        description: 'DPO on prefs v1',
        architecture,
        lineage: { baseModelId: 'tiny', trainingRunId: randomUUID(), datasetId: randomUUID(), datasetVersion: 1, method: 'dpo' as const, lora: null },
        metrics: { loss: 0.69 },
      };
      expect(await catalog.nameTaken(projectId, 'tuned')).toBe(false);
      const first = await catalog.registerTrained(input);
      expect(first.position).toBeGreaterThan(0);
      const before = await head();
      expect(await catalog.registerTrained(input)).toEqual({ modelId, position: 0 });
      expect(await head()).toBe(before);
      await until('the registered model', async () => (await api.request('GET', `${base()}/models/${modelId}`)).status, (status) => status === 200);
      expect(await catalog.nameTaken(projectId, 'tuned')).toBe(true);
      expect((await catalog.resolve(projectId, 'tuned'))?.view).toMatchObject({ id: modelId, source: 'training', lineage: input.lineage });
      const detail = (await api.request('GET', `${base()}/models/${modelId}`)).body as ModelDetail;
      expect(detail.history).toEqual([{ step: 1, epoch: 0.5, metrics: { loss: 0.69, 'rewards/accuracies': 0.5 }, learningRate: 1e-5, tokensPerSecond: 100, at: '2026-01-01T00:00:00.000Z' }]);
      const other = randomUUID();
      await expect(catalog.registerTrained({ ...input, modelId: other })).rejects.toMatchObject({ code: 'model.folder.missing', field: 'modelId' });
      copyModel(catalog.folderFor(other));
      await expect(catalog.registerTrained({ ...input, modelId: other })).rejects.toMatchObject({ code: 'model.name.taken', field: 'name' });
    });

    it('runs a workflow whose agents are on type: local; the turns stream and the model lists the run', async () => {
      const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
      const deltas: RunDelta[] = [];
      socket.on(RunDeltaMessage.Delta, (delta: RunDelta) => deltas.push(delta));
      const started = await api.request('POST', `${base()}/runs`, { workflow: 'trading' });
      expect(started.status).toBe(201);
      const runId = started.body.id as string;
      expect(await socket.timeout(5000).emitWithAck(RunDeltaMessage.Subscribe, { projectId, runId })).toEqual({ ok: true });
      const run = await until(`run ${runId}`, async () => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView, (view) => ['completed', 'failed'].includes(view.status));
      expect([run.status, run.terminationReason, run.failure]).toEqual(['completed', 'max_turns', null]);
      const entries = (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as { provider: string; model: string; content: string; usage: { completionTokens: number } }[];
      expect(entries.length).toBeGreaterThanOrEqual(3);
      for (const entry of entries) expect(entry).toMatchObject({ provider: 'mine', model: 'tiny' });
      expect(entries.some((e) => e.content.length > 0)).toBe(true);
      expect(deltas.filter((d) => d.runId === runId).length).toBeGreaterThan(0);
      socket.close();
      const detail = (await api.request('GET', `${base()}/models/tiny`)).body as ModelDetail;
      expect(detail.usedBy).toEqual(expect.arrayContaining([expect.objectContaining({ runId, workflow: 'trading', agent: 'programmer' }), expect.objectContaining({ runId, agent: 'trader' })]));
    });

    it('refuses a local agent whose model is not in the catalog before any event; the preflight names it', async () => {
      const body = { workflow: 'trading', overrides: { agents: { trader: { model: 'nope' } } } };
      const preflight = await api.request('POST', `${base()}/runs/preflight`, body);
      expect(preflight.status).toBe(200);
      expect(preflight.body).toMatchObject({ ok: false, problems: [{ code: 'unknown_model', agent: 'trader', provider: 'mine', field: 'overrides.agents.trader.model' }] });
      const before = await head();
      const refused = await api.request('POST', `${base()}/runs`, body);
      expect([refused.status, refused.body.code, refused.body.fields]).toEqual([400, 'run.model.unknown', [expect.objectContaining({ field: 'overrides.agents.trader.model' })]]);
      expect(await head()).toBe(before);
      expect((await api.request('POST', `${base()}/runs/preflight`, { workflow: 'trading' })).body).toMatchObject({ ok: true, problems: [] });
    });

    it('resolves a model named by tag at run start and records its id: the calls ask for it after the tag moved', async () => {
      const pinned = (await importModel({ name: 'pinned', path: 'second' })).body.id as string;
      const other = (await importModel({ name: 'other', path: 'second' })).body.id as string;
      expect((await api.request('POST', `${base()}/models/${pinned}/tags`, { tag: 'canary' })).status).toBe(200);
      await until('the tag', async () => (await api.request('POST', `${base()}/runs/preflight`, { workflow: 'trading', overrides: { agents: { trader: { model: 'canary' } } } })).body.ok, (ok) => ok === true);
      const started = await api.request('POST', `${base()}/runs`, { workflow: 'trading', overrides: { maxTurns: 1, agents: { trader: { model: 'canary' } } } });
      expect(started.status).toBe(201);
      const runId = started.body.id as string;
      const [first] = await api.store.readStream(`run-${runId}`);
      expect(first).toMatchObject({ type: 'RunStarted', data: { plan: { user: { name: 'trader', model: 'canary', modelId: pinned }, assistant: { name: 'programmer', model: 'tiny', modelId: 'tiny' } } } });
      expect((await api.request('POST', `${base()}/models/${other}/tags`, { tag: 'canary' })).status).toBe(200);
      const run = await until(`run ${runId}`, async () => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView, (view) => ['completed', 'failed'].includes(view.status));
      expect([run.status, run.failure]).toEqual(['completed', null]);
      const entries = (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as { agent: string; model: string }[];
      expect(entries.filter((e) => e.agent === 'trader').map((e) => e.model)).toEqual([pinned]);
      // The logs filter (and so queues built from it) finds the entries by the model's name as well as by its id.
      const byModel = async (model: string) => ((await api.request('GET', `${base()}/logs?model=${model}&runId=${runId}`)).body as LogPage).entries.map((e) => e.agent);
      expect(await until('the logs read model', () => byModel(pinned), (agents) => agents.length > 0)).toEqual(['trader']);
      expect(await byModel('pinned')).toEqual(['trader']);
      expect(await byModel('tiny')).toEqual(['programmer']);
      expect(await byModel('nope')).toEqual([]);
    });

    describe('serving with the official openai client', () => {
      const client = (apiKeyValue: string, options: { project?: string } = {}) => new OpenAI({ apiKey: apiKeyValue, baseURL: `${api.baseUrl}/v1`, maxRetries: 0, ...options });

      it('lists the models and completes, streaming and not, with usage', async () => {
        const openai = client(apiKey);
        const models = await openai.models.list();
        expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['tiny', 'helper']));
        expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'camel-extensions' });
        const completion = await openai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 6, temperature: 0 });
        expect(completion).toMatchObject({ object: 'chat.completion', model: 'tiny', choices: [{ index: 0, message: { role: 'assistant' } }] });
        expect(['stop', 'length']).toContain(completion.choices[0].finish_reason);
        expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
        expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
        const stream = await openai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 6, temperature: 0, stream: true, stream_options: { include_usage: true } });
        let text = '';
        let finish: string | null = null;
        let usage = 0;
        for await (const chunk of stream) {
          expect(chunk.object).toBe('chat.completion.chunk');
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
          usage = chunk.usage?.completion_tokens ?? usage;
        }
        // Greedy: the stream adds up to the same reply as the plain completion.
        expect(text).toBe(completion.choices[0].message.content);
        expect(finish).toBe(completion.choices[0].finish_reason);
        expect(usage).toBe(completion.usage?.completion_tokens);
      });

      it('takes a signed-in user with the OpenAI-Project header', async () => {
        const models = await client(api.ownerToken, { project: projectId }).models.list();
        expect(models.data.map((m) => m.id)).toContain('tiny');
        const missing = await fetch(`${api.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${api.ownerToken}` } });
        expect(missing.status).toBe(400);
        expect(await missing.json()).toMatchObject({ error: { param: 'OpenAI-Project', type: 'invalid_request_error' } });
      });

      it('answers a bad model 404, no key 401 and a bad parameter 400 in OpenAI’s error shape', async () => {
        const openai = client(apiKey);
        await expect(openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
        await expect(client('camel_not-a-key').models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
        const noKey = await fetch(`${api.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(noKey.status).toBe(401);
        expect(await noKey.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
        await expect(openai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], temperature: 3 })).rejects.toMatchObject({ status: 400, param: 'temperature' });
        await expect(openai.chat.completions.create({ model: 'tiny', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
      });

      it('answers what is refused before routing in OpenAI’s error shape: a bad content type, malformed JSON, an unknown route', async () => {
        const post = (headers: Record<string, string>, body: string) => fetch(`${api.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, ...headers }, body });
        const answers = [
          await post({ 'content-type': 'text/plain' }, '{"model":"tiny"}'),
          await post({ 'content-type': 'application/json' }, '{"model": "tiny", "messages": ['),
          await post({ 'content-type': 'application/json; charset=latin1' }, '{}'),
          await fetch(`${api.baseUrl}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: '{}' }),
        ];
        const bodies = await Promise.all(answers.map(async (answer) => [answer.status, await answer.json()]));
        expect(bodies).toEqual([
          [415, { error: { message: expect.stringContaining('application/json'), type: 'invalid_request_error', param: 'content-type', code: 'request.unsupported-media-type' } }],
          [400, { error: { message: expect.stringContaining('not valid JSON'), type: 'invalid_request_error', param: null, code: 'request.malformed-json' } }],
          [415, { error: { message: expect.stringContaining('UTF-8'), type: 'invalid_request_error', param: 'content-type', code: 'request.unsupported-charset' } }],
          [404, { error: { message: expect.stringContaining('/v1/embeddings'), type: 'invalid_request_error', param: null, code: null } }],
        ]);
        // The rest of the api keeps its own shape.
        const rest = await fetch(`${api.baseUrl}/api/projects`, { method: 'POST', headers: { authorization: `Bearer ${api.ownerToken}`, 'content-type': 'text/plain' }, body: 'x' });
        expect([rest.status, ((await rest.json()) as { code: string }).code]).toEqual([415, 'request.unsupported-media-type']);
      });
    });
  });
}
