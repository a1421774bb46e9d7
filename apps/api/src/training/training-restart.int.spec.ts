import { MODEL_FILES, type TrainingRunDetail, type TrainingRunView } from '@camel/contracts';
import { ApiProcess } from '@camel/server/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '../testing/poll-until';
import { builtinModelsDir, preferenceFile } from '../testing/training-api.suite';

/**
 * The embedded default from the built dist: the api trains in its own training processes. Killed
 * mid-run (SIGKILL; its training process exits with it), the api started again queues the
 * unfinished run and it resumes from its last checkpoint. And the CLI's `train`, as a process.
 */
const root = resolve(__dirname, '../../../..');
let dist: string;
let builtins: string;
let dataDir: string;

beforeAll(() => {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  builtins = builtinModelsDir();
  dataDir = mkdtempSync(join(tmpdir(), 'camel-training-restart-'));
});

afterAll(() => {
  for (const dir of [dist, builtins, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('training on the embedded default (processes)', () => {
  it('resumes a run after the api was killed mid-run and started again', async () => {
    const env = { DATA_DIR: dataDir, BUILTIN_MODELS_DIR: builtins };
    let api = new ApiProcess({ dist, env });
    await api.start();
    try {
      const token = await api.signIn();
      const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        const json = (await response.json()) as T;
        if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
        return json;
      };
      const projectId = (await call<{ id: string }>('POST', '/api/projects', { name: 'Restart' })).id;
      const datasetId = (await call<{ id: string }>('POST', `/api/projects/${projectId}/datasets/import`, { name: 'prefs', content: preferenceFile(24), split: { testRatio: 0.2, seed: 3 } })).id;
      const runId = (
        await call<{ id: string }>('POST', `/api/projects/${projectId}/training-runs`, {
          modelName: 'restarted',
          datasetId,
          datasetVersion: 1,
          baseModel: 'tiny',
          method: 'sft',
          hyperparameters: { epochs: 8, batchSize: 4, learningRate: 0.01, checkpointEvery: 3, maxLength: 64 },
        })
      ).id;
      const view = () => call<TrainingRunDetail>('GET', `/api/projects/${projectId}/training-runs/${runId}`).then((d) => d.run);
      const until = (what: string, done: (run: TrainingRunView) => boolean) => pollUntil(what, view, done, { timeoutMs: 120_000, intervalMs: 100 });
      const mid = await until('a checkpoint', (r) => (r.progress?.checkpointStep ?? 0) >= 3 || r.status === 'completed');
      expect(mid.status).toBe('running');

      await api.kill('SIGKILL');
      api = new ApiProcess({ dist, env });
      await api.start();
      const done = await until('the resumed run', (r) => r.status === 'completed' || r.status === 'failed');
      expect(done).toMatchObject({ status: 'completed', attempts: 2 });
      expect(api.log).toContain('1 unfinished training run(s) queued again');
      expect(existsSync(join(dataDir, 'models', done.modelId ?? '', MODEL_FILES.weights))).toBe(true);
      const history = (await call<TrainingRunDetail>('GET', `/api/projects/${projectId}/training-runs/${runId}`)).history;
      expect(history.map((h) => h.step)).toEqual(Array.from({ length: done.progress?.totalSteps ?? 0 }, (_, i) => i + 1));
    } finally {
      await api.dispose();
    }
  }, 240_000);

  it('trains a folder from the CLI with a progress report on stderr, and refuses bad arguments naming them', () => {
    const data = join(dataDir, 'pairs.jsonl');
    writeFileSync(data, preferenceFile(20));
    const out = join(dataDir, 'cli-model');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(dist, 'apps/api/src/cli.js'), 'train', ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    const trained = cli('--data', data, '--base', join(builtins, 'tiny'), '--method', 'dpo', '--lora-rank', '4', '--epochs', '2', '--batch-size', '4', '--micro-batch', '2', '--test-ratio', '0.3', '--out', out);
    expect(trained.status).toBe(0);
    expect(trained.stdout.trim()).toBe(out);
    expect(trained.stderr).toMatch(/backend (wasm|cpu|tensorflow); [\d,]+ parameters; \d+ steps/);
    expect(trained.stderr).toMatch(/train \[.*\] \d+\/\d+ steps \| loss [\d.e-]+ \| \d+ tok\/s \| ETA/);
    expect(trained.stderr).toContain('eval/rewards/accuracies');
    expect(readdirSync(out).sort()).toEqual(
      [MODEL_FILES.adapter, MODEL_FILES.adapterConfig, MODEL_FILES.card, MODEL_FILES.config, MODEL_FILES.metrics, MODEL_FILES.weights, MODEL_FILES.tokenizer, MODEL_FILES.trainingArgs].sort(),
    );
    expect(JSON.parse(readFileSync(join(out, MODEL_FILES.trainingArgs), 'utf8'))).toMatchObject({ batchSize: 4, microBatch: 2 });
    const bad = cli('--data', data, '--base', join(builtins, 'tiny'), '--method', 'dpo', '--learning-rate', '3', '--out', out);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('hyperparameters.learningRate');
    const micro = cli('--data', data, '--base', join(builtins, 'tiny'), '--method', 'dpo', '--batch-size', '4', '--micro-batch', '5', '--out', out);
    expect([micro.status, micro.stderr.includes('hyperparameters.microBatch')]).toEqual([2, true]);
    const missing = cli('--data', data, '--base', join(dataDir, 'nowhere'), '--method', 'sft', '--out', join(dataDir, 'x'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('base_model_missing');
  }, 120_000);
});
