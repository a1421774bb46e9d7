import { LIVE_EVENTS_PATH, MODEL_FILES, TRAINING_RUN_STREAM_TYPE, trainingRunStreamId, type RecordedEvent, type TrainingRunDetail, type TrainingRunList, type TrainingRunView } from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { readSafetensors, writeSafetensors } from '@camel/ml';
import { DatasetsReadModel } from '@camel/datasets/server';
import { MODEL_CATALOG, type ModelCatalog } from '@camel/models/server';
import { APP_CONFIG, CommandExecutor, PROJECTION_RUNNER, type AppConfig } from '@camel/server';
import type { ProjectionRunner } from '@camel/event-store';
import { trainingRunDecider, type TrainingRunCommand } from '@camel/training';
import { InProcessTrainingQueue, MAX_TRAINING_ATTEMPTS, TrainingRunner, TrainingRunsReadModel } from '@camel/training/server';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { startTestApi, type TestApi } from './api-harness';
import { pollUntil } from './poll-until';

/** libs/ml's tiny random Llama (tools/ml/make-fixtures.py), in the Hugging Face layout. */
const TINY_LLAMA = join(__dirname, '../../../../libs/ml/src/fixtures/tiny-llama');

/** A preference set a tiny model learns in a few steps: chosen replies agree, rejected ones refuse. */
export function preferenceFile(count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ prompt: `Question ${i}: shall we?`, chosen: `Yes, gladly ${i % 3}.`, rejected: `No ${i % 5}!` })).join('\n');
}

/**
 * A folder of built-in models holding the tiny random Llama of libs/ml's fixtures as `tiny`, and
 * (`extras`) `exploding` (its weights × 1e30: the loss is not finite) and `vanishing` (whose
 * weights the test removes after the registry listed it).
 */
export function builtinModelsDir(options: { readonly extras?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'camel-builtins-'));
  for (const name of options.extras ? ['tiny', 'exploding', 'vanishing'] : ['tiny']) {
    mkdirSync(join(dir, name));
    for (const file of [MODEL_FILES.config, MODEL_FILES.weights, MODEL_FILES.tokenizer]) copyFileSync(join(TINY_LLAMA, file), join(dir, name, file));
  }
  if (options.extras) {
    const { tensors } = readSafetensors(readFileSync(join(TINY_LLAMA, MODEL_FILES.weights)));
    const scaled = new Map([...tensors].map(([name, t]) => [name, { shape: t.shape, data: t.data.map((x) => x * 1e30) }]));
    writeFileSync(join(dir, 'exploding', MODEL_FILES.weights), writeSafetensors(scaled));
  }
  return dir;
}

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Training runs through the real api: launch on an imported dataset version, a real training
 * process per run (forked from the api's in-process queue on SQLite, from a worker on PostgreSQL +
 * Redis), progress on the live topic, the model registered, cancel, resume after a kill.
 */
export function trainingApiSuite(engine: Engine): void {
  describe(`training API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let builtins: string;
    let projectId: string;
    let datasetId: string;
    const base = () => `/api/projects/${projectId}`;
    const runner = (): TrainingRunner => api.app.get(TrainingRunner);
    const run = async (id: string) => (await api.request('GET', `${base()}/training-runs/${id}`)).body as TrainingRunDetail;
    const until = (what: string, id: string, done: (run: TrainingRunView) => boolean, timeoutMs = 90_000) =>
      pollUntil(what, () => run(id).then((d) => d.run), done, { timeoutMs, intervalMs: 100 });
    const small = { epochs: 2, batchSize: 4, learningRate: 0.01, checkpointEvery: 2, maxLength: 64 };
    const launch = async (body: Record<string, unknown>) => {
      const answer = await api.request('POST', `${base()}/training-runs`, { datasetId, datasetVersion: 1, baseModel: 'tiny', method: 'dpo', hyperparameters: small, ...body });
      expect([answer.status, answer.body]).toEqual([201, expect.objectContaining({ id: expect.any(String), position: expect.any(Number) })]);
      return answer.body.id as string;
    };
    const workFolder = (runId: string) => join(api.app.get<AppConfig>(APP_CONFIG).training.dir, runId);
    /** A run launched through the decider and never queued: the test drives it with a runner of its own. */
    const launchUnqueued = async (modelName: string, options: { hyperparameters?: Record<string, unknown>; datasetContentHash?: string } = {}) => {
      const runId = randomUUID();
      const executor = api.app.get(CommandExecutor, { strict: false });
      const decide = (command: TrainingRunCommand) => executor.execute(trainingRunDecider, { streamId: trainingRunStreamId(runId), streamType: TRAINING_RUN_STREAM_TYPE, projectId, command });
      const version = (await api.request('GET', `${base()}/datasets/${datasetId}/versions/1`)).body as { contentHash: string };
      const request = { modelName, datasetId, datasetVersion: 1, baseModel: 'tiny', method: 'dpo' as const, hyperparameters: options.hyperparameters ?? small };
      await decide({ type: 'LaunchTrainingRun', runId, projectId, projectStatus: 'active', request, baseModelId: 'tiny', datasetContentHash: options.datasetContentHash ?? version.contentHash });
      return { runId, decide };
    };
    /** Another runner over the api's store and registry (as another worker's would be), with its own settings or registry. */
    const runnerWith = (options: { training?: Partial<AppConfig['training']>; catalog?: ModelCatalog } = {}) => {
      const config = api.app.get<AppConfig>(APP_CONFIG);
      return new TrainingRunner(
        api.store,
        { ...config, training: { ...config.training, ...options.training } },
        options.catalog ?? api.app.get<ModelCatalog>(MODEL_CATALOG, { strict: false }),
        api.app.get(CommandExecutor, { strict: false }),
        api.app.get(DatasetsReadModel, { strict: false }),
      );
    };
    const weightsOf = (modelId: string) => sha256(join(process.env['DATA_DIR'] ?? '', 'models', modelId, MODEL_FILES.weights));

    let dataDir: string | null = null;

    beforeAll(async () => {
      builtins = builtinModelsDir({ extras: true });
      process.env['BUILTIN_MODELS_DIR'] = builtins;
      process.env['MODEL_IMPORT_DIRS'] = builtins;
      // On SQLite the harness gives the api a fresh DATA_DIR; on PostgreSQL the files need one too.
      if (engine === 'postgres') process.env['DATA_DIR'] = dataDir = mkdtempSync(join(tmpdir(), 'camel-training-'));
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Training' })).body.id;
      const imported = await api.request('POST', `${base()}/datasets/import`, { name: 'prefs', content: preferenceFile(24), split: { testRatio: 0.2, seed: 3 } });
      expect(imported.status).toBe(201);
      datasetId = imported.body.id;
    });
    afterAll(async () => {
      await api?.close();
      rmSync(builtins, { recursive: true, force: true });
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      delete process.env['BUILTIN_MODELS_DIR'];
      delete process.env['MODEL_IMPORT_DIRS'];
    });

    it('offers presets', async () => {
      const answer = await api.request('GET', '/api/training/presets');
      expect(answer.status).toBe(200);
      expect(answer.body.presets.map((p: { id: string }) => p.id)).toEqual(['dpo-lora-quick', 'dpo-full', 'sft-lora']);
    });

    it('refuses bad launches with the field named and appends nothing', async () => {
      const before = await api.store.headPosition();
      const cases: [Record<string, unknown>, number, string][] = [
        [{ hyperparameters: { learningRate: 0 } }, 400, 'hyperparameters.learningRate'],
        [{ hyperparameters: { epochs: 1000 } }, 400, 'hyperparameters.epochs'],
        [{ lora: { rank: 0 } }, 400, 'lora.rank'],
        [{ method: 'ppo' }, 400, 'method'],
        [{ modelName: 'Not A Name' }, 400, 'modelName'],
        [{ datasetId: '0190a000-0000-7000-8000-000000000000' }, 404, 'datasetId'],
        [{ datasetVersion: 9 }, 404, 'datasetVersion'],
        [{ baseModel: 'no-such-model' }, 404, 'baseModel'],
        [{ modelName: 'tiny' }, 409, 'modelName'],
        [{ surprise: 1 }, 400, 'surprise'],
      ];
      for (const [over, status, field] of cases) {
        const answer = await api.request('POST', `${base()}/training-runs`, { modelName: 'refused', datasetId, datasetVersion: 1, baseModel: 'tiny', method: 'dpo', ...over });
        expect([JSON.stringify(over), answer.status, answer.body.fields?.[0]?.field]).toEqual([JSON.stringify(over), status, field]);
      }
      expect(await api.store.headPosition()).toBe(before);
    });

    it('trains a launched run in a training process: progress on the live topic, the model folder written and registered', async () => {
      const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
      try {
        const seen: RecordedEvent[] = [];
        socket.on('events', (message: { events: RecordedEvent[] }, ack?: () => void) => {
          seen.push(...message.events);
          ack?.();
        });
        await new Promise<void>((done) => socket.on('connect', () => done()));
        const after = await api.store.headPosition();
        expect((await new Promise<{ ok: boolean }>((done) => socket.emit('subscribe', { subscriptionId: 'training', topic: { kind: 'project', projectId }, after }, done))).ok).toBe(true);

        const id = await launch({ modelName: 'tiny-dpo', description: 'first', seed: 5 });
        const done = await until('the run to complete', id, (r) => r.status === 'completed' || r.status === 'failed');
        expect(done).toMatchObject({ status: 'completed', attempts: 1, backend: expect.stringMatching(/^(wasm|cpu|tensorflow)$/), failure: null, queuePosition: null, modelId: expect.any(String) });
        expect(done.progress).toMatchObject({ step: done.progress?.totalSteps, checkpointStep: done.progress?.totalSteps });
        const detail = await run(id);
        expect(detail.history.map((h) => h.step)).toEqual(Array.from({ length: done.progress?.totalSteps ?? 0 }, (_, i) => i + 1));
        expect(detail.history[0].metrics).toMatchObject({ loss: expect.closeTo(Math.LN2, 4), 'rewards/accuracies': expect.any(Number) });
        expect(detail.evaluation).toMatchObject({ 'eval/loss': expect.any(Number), 'eval/rewards/accuracies': expect.any(Number) });

        // The work folder (pairs, checkpoints, steps.jsonl) is gone with the run ended (TRAINING_WORK_RETENTION=none).
        expect(existsSync(workFolder(id))).toBe(false);
        const folder = join(process.env['DATA_DIR'] ?? '', 'models', done.modelId ?? '');
        expect(readdirSync(folder).sort()).toEqual([MODEL_FILES.card, MODEL_FILES.config, MODEL_FILES.metrics, MODEL_FILES.weights, MODEL_FILES.tokenizer, MODEL_FILES.trainingArgs].sort());
        const card = readFileSync(join(folder, MODEL_FILES.card), 'utf8');
        expect(card).toContain(`${datasetId}@1`);
        expect(card).toContain('demo-sized');
        const model = await api.request('GET', `${base()}/models/${done.modelId}`);
        expect(model.status).toBe(200);
        expect(model.body.model).toMatchObject({ name: 'tiny-dpo', source: 'training', lineage: { trainingRunId: id, datasetId, datasetVersion: 1, method: 'dpo', baseModelId: 'tiny' } });

        await pollUntil('the live events', async () => seen.map((e) => e.type), (types) => types.includes('TrainingRunCompleted'), { timeoutMs: 10_000, intervalMs: 50 });
        const types = seen.map((e) => e.type);
        expect(types).toEqual(expect.arrayContaining(['TrainingRunLaunched', 'TrainingRunStarted', 'TrainingProgressRecorded', 'TrainingCheckpointSaved', 'ModelRegistered', 'TrainingRunCompleted']));
        expect(types.indexOf('ModelRegistered')).toBeLessThan(types.indexOf('TrainingRunCompleted'));

        const list = (await api.request('GET', `${base()}/training-runs`)).body as TrainingRunList;
        expect(list.runs.map((r) => r.id)).toContain(id);
        // The model name is now taken.
        const again = await api.request('POST', `${base()}/training-runs`, { modelName: 'tiny-dpo', datasetId, datasetVersion: 1, baseModel: 'tiny', method: 'dpo' });
        expect([again.status, again.body.fields?.[0]?.field]).toEqual([409, 'modelName']);
      } finally {
        socket.close();
      }
    }, 120_000);

    it('resumes after its training process is killed mid-run and ends with the weights of an uninterrupted run', async () => {
      const hyperparameters = { ...small, epochs: 4, checkpointEvery: 3 };
      const whole = await launch({ modelName: 'whole', seed: 9, lora: { rank: 4, targets: ['q_proj', 'v_proj'] }, hyperparameters });
      const wholeRun = await until('the uninterrupted run', whole, (r) => r.status === 'completed' || r.status === 'failed');
      expect(wholeRun.status).toBe('completed');

      const killed = await launch({ modelName: 'killed', seed: 9, lora: { rank: 4, targets: ['q_proj', 'v_proj'] }, hyperparameters });
      const atCheckpoint = await until('a checkpoint', killed, (r) => (r.progress?.checkpointStep ?? 0) >= 3 || r.status === 'completed');
      expect(atCheckpoint.status).toBe('running');
      const pid = runner().trainingProcessId(killed);
      expect(pid).toEqual(expect.any(Number));
      process.kill(pid as number, 'SIGKILL');
      const resumed = await until('the resumed run', killed, (r) => r.status === 'completed' || r.status === 'failed');
      expect(resumed).toMatchObject({ status: 'completed', attempts: 2 });
      const started = (await api.store.readStream(`training-run-${killed}`)).filter((e) => e.type === 'TrainingRunStarted').map((e) => (e.data as { resumedFromStep: number }).resumedFromStep);
      expect(started[0]).toBe(0);
      expect(started[1]).toBeGreaterThanOrEqual(3);
      // Resumed from a checkpoint before the end: the killed process did not go on training.
      expect(started[1]).toBeLessThan(resumed.progress?.totalSteps ?? 0);
      expect((await run(killed)).history.map((h) => h.step)).toEqual(Array.from({ length: resumed.progress?.totalSteps ?? 0 }, (_, i) => i + 1));
      expect(weightsOf(resumed.modelId ?? '')).toBe(weightsOf(wholeRun.modelId ?? ''));
      expect(existsSync(join(process.env['DATA_DIR'] ?? '', 'models', resumed.modelId ?? '', MODEL_FILES.adapter))).toBe(true);
    }, 180_000);

    it('lets one process train a run at a time: a second runner taking it over stops the first', async () => {
      // Long enough that the first process cannot finish before the second takes over (under load it did at 6 epochs).
      const id = await launch({ modelName: 'contended', hyperparameters: { ...small, epochs: 20, checkpointEvery: 3 } });
      await until('a checkpoint', id, (r) => (r.progress?.checkpointStep ?? 0) >= 3);
      const first = runner().trainingProcessId(id);
      // Another process's runner (as a worker given a stalled job would): it records attempt 2.
      const second = runnerWith();
      const outcome = await second.run(id);
      expect(outcome).toBe('completed');
      const done = await until('the run', id, (r) => r.status === 'completed');
      expect(done.attempts).toBe(2);
      expect(() => process.kill(first as number, 0)).toThrow();
      expect(runner().running).not.toContain(id);
      expect((await run(id)).history.map((h) => h.step)).toEqual(Array.from({ length: done.progress?.totalSteps ?? 0 }, (_, i) => i + 1));
    }, 120_000);

    it('queues runs beyond TRAINING_CONCURRENCY (1) with their queue position; a queued run is cancelled at once', async () => {
      const long = { ...small, epochs: 100 };
      const ids = [await launch({ modelName: 'q1', hyperparameters: long }), await launch({ modelName: 'q2', hyperparameters: long }), await launch({ modelName: 'q3', hyperparameters: long })];
      await until('the first to run', ids[0], (r) => r.status === 'running');
      const views = (await api.request('GET', `${base()}/training-runs`)).body as TrainingRunList;
      const byId = new Map(views.runs.map((r) => [r.id, r]));
      expect(ids.map((id) => [byId.get(id)?.status, byId.get(id)?.queuePosition])).toEqual([
        ['running', null],
        ['queued', 0],
        ['queued', 1],
      ]);
      // A queued run: cancelled by the request itself, its job finds it final.
      expect((await api.request('POST', `${base()}/training-runs/${ids[2]}/cancel`)).status).toBe(202);
      expect((await run(ids[2])).run).toMatchObject({ status: 'cancelled', attempts: 0, queuePosition: null, progress: null });
      expect((await run(ids[1])).run.queuePosition).toBe(0);
      for (const id of ids.slice(0, 2)) expect((await api.request('POST', `${base()}/training-runs/${id}/cancel`)).status).toBe(202);
      for (const id of ids.slice(0, 2)) await until('the cancellation', id, (r) => r.status === 'cancelled', 20_000);
      expect(runner().running).toEqual([]);
    }, 60_000);

    it('fails (not retries) a run whose model name an import took while it trained', async () => {
      const id = await launch({ modelName: 'clash', hyperparameters: { ...small, epochs: 8 } });
      await until('the first steps', id, (r) => (r.progress?.step ?? 0) >= 1);
      const imported = await api.request('POST', `${base()}/models/import`, { name: 'clash', path: join(builtins, 'tiny') });
      expect(imported.status).toBe(201);
      const failed = await until('the failure', id, (r) => r.status === 'failed' || r.status === 'completed');
      expect(failed.failure).toMatchObject({ code: 'internal', message: expect.stringContaining('could not be registered') });
    }, 60_000);

    it('fails a run whose training process was lost too many times with worker_lost', async () => {
      // Recorded as five lost attempts would leave it (launched through the decider, never queued).
      const { runId, decide } = await launchUnqueued('lost');
      const architecture = { family: 'llama' as const, parameters: 1, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 281, contextLength: 64 };
      for (let attempt = 1; attempt <= MAX_TRAINING_ATTEMPTS; attempt++) await decide({ type: 'StartTrainingAttempt', runId, attempt, worker: 'gone', backend: 'wasm', totalSteps: 12, resumedFromStep: 0, architecture });
      expect(await runner().run(runId)).toBe('failed');
      const failed = await until('the failure', runId, (r) => r.status === 'failed');
      expect(failed.failure).toEqual({ code: 'worker_lost', message: `the training process was lost ${MAX_TRAINING_ATTEMPTS} times` });
    });

    it('cancels a running run within seconds, stopping its training process', async () => {
      const id = await launch({ modelName: 'cancelled', hyperparameters: { ...small, epochs: 100 } });
      await until('the first steps', id, (r) => (r.progress?.step ?? 0) >= 1);
      const pid = runner().trainingProcessId(id);
      const asked = Date.now();
      const answer = await api.request('POST', `${base()}/training-runs/${id}/cancel`);
      expect(answer.status).toBe(202);
      const cancelled = await until('the cancellation', id, (r) => r.status === 'cancelled', 10_000);
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect(cancelled.progress?.step).toBeLessThan(cancelled.progress?.totalSteps ?? 0);
      expect(() => process.kill(pid as number, 0)).toThrow();
      const late = await api.request('POST', `${base()}/training-runs/${id}/cancel`);
      expect([late.status, late.body.code]).toEqual([409, 'training-run.finished']);
    }, 60_000);

    it('fails with diverged on a non-finite loss, and with base_model_missing when the base model’s files are gone', async () => {
      const exploding = await launch({ modelName: 'exploded', baseModel: 'exploding' });
      const diverged = await until('the divergence', exploding, (r) => r.status === 'failed' || r.status === 'completed', 60_000);
      expect(diverged.failure).toMatchObject({ code: 'diverged', message: expect.stringMatching(/the loss is (NaN|-?Infinity) at step \d+/) });

      // Listed by the registry when the api started; its weights removed since.
      rmSync(join(builtins, 'vanishing', MODEL_FILES.weights));
      const vanished = await launch({ modelName: 'vanished', baseModel: 'vanishing' });
      const missing = await until('the failure', vanished, (r) => r.status === 'failed' || r.status === 'completed', 60_000);
      expect(missing.failure).toMatchObject({ code: 'base_model_missing', message: expect.stringContaining('does not load') });
    }, 120_000);

    it('fails with out_of_memory when the training process passes its heap limit, the queue moving on to the next run; a failed run’s work folder kept when told', async () => {
      // A queue of its own (concurrency 1) whose runner's training processes get a 16 MB heap.
      const starved = runnerWith({ training: { maxMemoryMb: 16, workRetention: 'failed' } });
      const queue = new InProcessTrainingQueue(starved, api.app.get(TrainingRunsReadModel, { strict: false }), api.store, api.app.get<ProjectionRunner>(PROJECTION_RUNNER), api.app.get<AppConfig>(APP_CONFIG), false);
      const first = (await launchUnqueued('starved-1')).runId;
      const second = (await launchUnqueued('starved-2')).runId;
      await queue.enqueue(first);
      await queue.enqueue(second);
      await queue.drain();
      for (const runId of [first, second]) {
        const failed = await until('the failure', runId, (r) => r.status === 'failed');
        expect(failed.failure).toMatchObject({ code: 'out_of_memory', message: expect.stringContaining('TRAINING_MAX_MEMORY_MB=16') });
        expect(existsSync(join(workFolder(runId), 'pairs.jsonl'))).toBe(true);
      }
      await queue.onApplicationShutdown();
      // The api's own queue (4096 MB) trains the next run.
      const next = await launch({ modelName: 'after-oom', hyperparameters: { ...small, epochs: 1 } });
      expect((await until('the next run', next, (r) => r.status === 'completed' || r.status === 'failed')).status).toBe('completed');
    }, 90_000);

    it('fails with dataset_missing when the dataset version’s pairs do not hash to the launch’s, removing the work folder', async () => {
      const { runId } = await launchUnqueued('drifted', { datasetContentHash: '0'.repeat(64) });
      expect(await runnerWith().run(runId)).toBe('failed');
      const failed = await until('the failure', runId, (r) => r.status === 'failed');
      expect(failed.failure).toMatchObject({ code: 'dataset_missing', message: expect.stringContaining(`does not hash to ${'0'.repeat(64)}`) });
      expect(existsSync(workFolder(runId))).toBe(false);
    }, 30_000);

    it('completes a run whose process crashed between ModelRegistered and TrainingRunCompleted with one model (micro-batches of 2)', async () => {
      const { runId } = await launchUnqueued('crashed', { hyperparameters: { ...small, epochs: 1, microBatch: 2 } });
      const real = api.app.get<ModelCatalog>(MODEL_CATALOG, { strict: false });
      // The registry records the model, then the process dies before the run's completion is appended.
      const crashing: ModelCatalog = {
        resolve: (p, m) => real.resolve(p, m),
        nameTaken: (p, n) => real.nameTaken(p, n),
        folderFor: (m) => real.folderFor(m),
        registerTrained: async (input) => {
          await real.registerTrained(input);
          throw new Error('killed after ModelRegistered');
        },
      };
      await expect(runnerWith({ catalog: crashing }).run(runId)).rejects.toThrow('killed after ModelRegistered');
      const stream = async () => (await api.store.readStream(trainingRunStreamId(runId))).map((e) => e.type);
      expect(await stream()).not.toContain('TrainingRunCompleted');
      expect(existsSync(join(workFolder(runId), 'checkpoints'))).toBe(true);
      // The retry (a redelivered job) resumes from the final checkpoint and registers the same model again: nothing new.
      expect(await runner().run(runId)).toBe('completed');
      const done = await until('the completion', runId, (r) => r.status === 'completed');
      expect(done.attempts).toBe(2);
      expect((await stream()).filter((t) => t === 'TrainingRunCompleted')).toHaveLength(1);
      const registered = (await api.store.readStream(`model-${done.modelId}`)).filter((e) => e.type === 'ModelRegistered');
      expect(registered).toHaveLength(1);
      const models = ((await api.request('GET', `${base()}/models`)).body as { models: { lineage: { trainingRunId?: string } | null }[] }).models;
      expect(models.filter((m) => m.lineage?.trainingRunId === runId)).toHaveLength(1);
      const args = JSON.parse(readFileSync(join(process.env['DATA_DIR'] ?? '', 'models', done.modelId ?? '', MODEL_FILES.trainingArgs), 'utf8')) as Record<string, unknown>;
      expect(args).toMatchObject({ batchSize: 4, microBatch: 2 });
      expect(existsSync(workFolder(runId))).toBe(false);
    }, 90_000);

    it('fails with dataset_empty when no pair is left after encoding (replies identical once cut to maxLength)', async () => {
      const same = Array.from({ length: 10 }, (_, i) => JSON.stringify({ prompt: `q${i}`, chosen: `The same long opening ${i} then yes`, rejected: `The same long opening ${i} then no` })).join('\n');
      const imported = await api.request('POST', `${base()}/datasets/import`, { name: 'same-start', content: same, split: { testRatio: 0, seed: 1 } });
      const answer = await api.request('POST', `${base()}/training-runs`, { modelName: 'empty', datasetId: imported.body.id, datasetVersion: 1, baseModel: 'tiny', method: 'dpo', hyperparameters: { maxLength: 8 } });
      expect(answer.status).toBe(201);
      const failed = await until('the failure', answer.body.id, (r) => r.status === 'failed' || r.status === 'completed');
      expect(failed.failure).toMatchObject({ code: 'dataset_empty', message: expect.stringContaining('no training pair') });
    }, 60_000);
  });
}
