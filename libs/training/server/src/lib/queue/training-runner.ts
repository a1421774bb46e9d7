import { DomainError, TRAINING_RUN_STREAM_TYPE, trainingRunStreamId, type TrainingFailureCode, type TrainingRunLaunched, type TrainingStepMetrics } from '@camel/contracts';
import { hashLine } from '@camel/datasets';
import { DatasetsReadModel } from '@camel/datasets/server';
import type { EventStore } from '@camel/event-store';
import { foldStream } from '@camel/kernel';
import { MODEL_CATALOG, type ModelCatalog } from '@camel/models/server';
import { APP_CONFIG, CommandExecutor, EVENT_STORE, type AppConfig } from '@camel/server';
import { isFinal, modelIdFor, trainingRunDecider, type TrainingRunCommand, type TrainingRunState } from '@camel/training';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { TrainingJobSpec, TrainingMessage } from '../process/training-job';

/** A run whose training process was lost this many times fails with `worker_lost`. */
export const MAX_TRAINING_ATTEMPTS = 5;
/** Progress events at most this often (the live charts need no more). */
const PROGRESS_FLUSH_MS = 500;
/** How often a running job looks for a cancel request on its stream. */
const CANCEL_POLL_MS = 500;

export type TrainingJobOutcome = 'completed' | 'failed' | 'cancelled' | 'skipped';

/**
 * How to start a training process: the compiled entry beside this file in dist/node; from the
 * TypeScript sources (tests, development) the same entry through tools/test/ts-register.cjs.
 */
export function trainingProcessCommand(): { entry: string; execArgv: string[] } {
  const compiled = join(__dirname, '../process/training-process.js');
  if (existsSync(compiled)) return { entry: compiled, execArgv: ['--enable-source-maps'] };
  const root = resolve(__dirname, '../../../../../..');
  return { entry: join(__dirname, '../process/training-process.ts'), execArgv: ['-r', join(root, 'tools/test/ts-register.cjs')] };
}

const OOM = /heap out of memory|Allocation failed|Reached heap limit|RangeError: Array buffer allocation failed|WebAssembly.Memory|Out of memory/i;

/**
 * The processor's side of one training job, the same for the BullMQ worker and the in-process queue:
 * reads the run's stream, writes the dataset version's pairs to the run's work folder, forks a
 * training process (--max-old-space-size = TRAINING_MAX_MEMORY_MB) and turns its reports into the
 * run's events (progress batched to 2 per second). It never blocks the event loop (the computation
 * is in the child), so a queue lock is renewed while it trains. A lost training process is started
 * again (the next attempt resumes from the last checkpoint), at most MAX_TRAINING_ATTEMPTS times.
 */
@Injectable()
export class TrainingRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('TrainingRunner');
  private readonly children = new Map<string, ChildProcess>();
  private readonly worker = `${hostname()}:${process.pid}`;
  private closing = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    private readonly executor: CommandExecutor,
    private readonly datasets: DatasetsReadModel,
  ) {}

  /** Runs being trained by this process. */
  get running(): readonly string[] {
    return [...this.children.keys()];
  }

  /** The process id of a run's training process here, if it has one (operations, tests). */
  trainingProcessId(runId: string): number | undefined {
    return this.children.get(runId)?.pid;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    // The runs stay `running` in the log: the next start (or another worker) resumes them.
    for (const child of this.children.values()) child.kill('SIGKILL');
  }

  private async load(runId: string): Promise<{ state: TrainingRunState; launched: TrainingRunLaunched['data'] | null }> {
    const events = await this.store.readStream(trainingRunStreamId(runId));
    const first = events[0];
    return { state: foldStream(trainingRunDecider, events), launched: first?.type === 'TrainingRunLaunched' ? (first.data as TrainingRunLaunched['data']) : null };
  }

  private async decide(projectId: string, command: TrainingRunCommand): Promise<number> {
    const outcome = await this.executor.execute(trainingRunDecider, { streamId: trainingRunStreamId(command.runId), streamType: TRAINING_RUN_STREAM_TYPE, projectId, command, awaitProjections: false });
    return outcome.events.length;
  }

  /** Drives the run until it is final (or another process holds its attempt); then cleans its work folder. */
  async run(runId: string): Promise<TrainingJobOutcome> {
    if (this.children.has(runId)) return 'skipped';
    const outcome = await this.drive(runId);
    if (outcome !== 'skipped') this.cleanWorkFolder(runId, outcome);
    return outcome;
  }

  /**
   * An ended run's work folder (pairs, job, checkpoints, steps.jsonl) is removed unless
   * TRAINING_WORK_RETENTION keeps it (`failed`: failed runs' only, `all`); the model is in MODELS_DIR.
   * A run that is not final (a retry will resume from its checkpoints) keeps it.
   */
  private cleanWorkFolder(runId: string, outcome: Exclude<TrainingJobOutcome, 'skipped'>): void {
    const retention = this.config.training.workRetention;
    if (retention === 'all' || (retention === 'failed' && outcome === 'failed')) return;
    try {
      rmSync(join(this.config.training.dir, runId), { recursive: true, force: true });
    } catch (error) {
      this.logger.warn(`training run ${runId}: its work folder could not be removed: ${(error as Error).message}`);
    }
  }

  private async drive(runId: string): Promise<TrainingJobOutcome> {
    for (;;) {
      const { state, launched } = await this.load(runId);
      if (!launched || isFinal(state.status)) return 'skipped';
      const fail = async (code: TrainingFailureCode, message: string) => {
        await this.decide(launched.projectId, { type: 'FailTrainingRun', runId, code, message, step: state.step });
        return 'failed' as const;
      };
      if (state.status === 'cancelling') {
        await this.decide(launched.projectId, { type: 'CancelTrainingRun', runId, step: state.step });
        return 'cancelled';
      }
      if (state.attempts >= MAX_TRAINING_ATTEMPTS) return fail('worker_lost', `the training process was lost ${state.attempts} times`);
      const attempt = await this.attempt(runId, launched, state, fail);
      if (attempt !== 'lost') return attempt;
      if (this.closing) return 'skipped';
      this.logger.warn(`training run ${runId}: the training process was lost; resuming from the last checkpoint`);
    }
  }

  private async writePairs(launched: TrainingRunLaunched['data'], file: string): Promise<{ count: number; hash: string }> {
    const out = createWriteStream(file);
    const hash = createHash('sha256');
    let count = 0;
    try {
      for await (const page of this.datasets.cursor(launched.datasetId, launched.datasetVersion, 'all')) {
        const lines = page.map((row) => {
          const pair = { split: row.split, prompt: JSON.parse(row.prompt) as { role: string; content: string }[], chosen: row.chosen, rejected: row.rejected };
          hash.update(hashLine(pair as never));
          return `${JSON.stringify(pair)}\n`;
        });
        count += page.length;
        if (!out.write(lines.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((r) => out.end(r));
    }
    return { count, hash: hash.digest('hex') };
  }

  private async register(modelId: string, runId: string, launched: TrainingRunLaunched['data'], done: Extract<TrainingMessage, { type: 'done' }>): Promise<string> {
    const registered = await this.catalog.registerTrained({
      modelId,
      projectId: launched.projectId,
      name: launched.modelName,
      description: launched.description,
      architecture: done.architecture,
      lineage: { baseModelId: launched.baseModelId, trainingRunId: runId, datasetId: launched.datasetId, datasetVersion: launched.datasetVersion, method: launched.method, lora: launched.lora },
      metrics: { ...done.metrics, ...(done.evaluation ?? {}) },
    });
    return registered.modelId;
  }

  private async attempt(
    runId: string,
    launched: TrainingRunLaunched['data'],
    state: TrainingRunState,
    fail: (code: TrainingFailureCode, message: string) => Promise<'failed'>,
  ): Promise<TrainingJobOutcome | 'lost'> {
    const projectId = launched.projectId;
    const base = await this.catalog.resolve(projectId, launched.baseModelId);
    if (!base) return fail('base_model_missing', `the base model ${launched.baseModelId} is not in the registry (archived or removed)`);
    const workDir = join(this.config.training.dir, runId);
    mkdirSync(workDir, { recursive: true });
    const pairsFile = join(workDir, 'pairs.jsonl');
    const written = await this.writePairs(launched, pairsFile);
    if (written.count === 0) return fail('dataset_missing', `dataset ${launched.datasetId} version ${launched.datasetVersion} has no pairs here`);
    if (written.hash !== launched.datasetContentHash) return fail('dataset_missing', `dataset ${launched.datasetId} version ${launched.datasetVersion} does not hash to ${launched.datasetContentHash} (got ${written.hash})`);

    const modelId = modelIdFor(runId);
    const outDir = this.catalog.folderFor(modelId);
    const spec: TrainingJobSpec = {
      setup: { baseDir: base.folder, method: launched.method, lora: launched.lora, hyperparameters: launched.hyperparameters, seed: launched.seed, workDir },
      pairsFile,
      outDir,
      facts: {
        name: launched.modelName,
        baseModel: base.view.name,
        dataset: `${launched.datasetId}@${launched.datasetVersion}`,
        method: launched.method,
        lora: launched.lora,
        hyperparameters: launched.hyperparameters,
        seed: launched.seed,
        trainingRunId: runId,
      },
    };
    const jobFile = join(workDir, 'job.json');
    writeFileSync(jobFile, JSON.stringify(spec));

    const { entry, execArgv } = trainingProcessCommand();
    const child = fork(entry, [jobFile], { execArgv: [...execArgv, `--max-old-space-size=${this.config.training.maxMemoryMb}`], stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'json' });
    this.children.set(runId, child);
    this.logger.log(`training run ${runId}: attempt ${state.attempts + 1} in training process ${child.pid} (${this.worker})`);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });

    let pending: TrainingStepMetrics[] = [];
    let totalSteps = 0;
    let eta: number | null = null;
    let lastStep = state.step;
    let chain: Promise<unknown> = Promise.resolve();
    let result: TrainingMessage | null = null;
    let taken = true;
    let cancelled = false;
    /** Events are appended in the order the reports came, one at a time. */
    const then = (work: () => Promise<unknown>) => (chain = chain.then(work).catch((error: unknown) => this.logger.error(`training run ${runId}: ${(error as Error).message}`)));
    const flush = () =>
      then(async () => {
        if (pending.length === 0) return;
        const steps = pending;
        pending = [];
        await this.decide(projectId, { type: 'RecordTrainingProgress', runId, steps, totalSteps, etaSeconds: eta });
      });
    const flusher = setInterval(flush, PROGRESS_FLUSH_MS);
    const watcher = setInterval(
      () =>
        void this.load(runId).then(
          ({ state: now }) => {
            if (now.attempts > state.attempts + 1) {
              // A later attempt was recorded (this process was presumed lost and its job given to
              // another): that one trains; this one stops.
              taken = false;
              child.kill('SIGKILL');
            } else if (now.status === 'cancelling' || isFinal(now.status)) {
              cancelled = true;
              child.kill('SIGKILL');
            }
          },
          () => undefined,
        ),
      CANCEL_POLL_MS,
    );

    child.on('message', (message: TrainingMessage) => {
      switch (message.type) {
        case 'started':
          totalSteps = message.totalSteps;
          then(async () => {
            const appended = await this.decide(projectId, {
              type: 'StartTrainingAttempt',
              runId,
              attempt: state.attempts + 1,
              worker: this.worker,
              backend: message.backend,
              totalSteps: message.totalSteps,
              resumedFromStep: message.resumedFromStep,
              architecture: message.architecture,
            });
            // Another process recorded this attempt first: it trains, this one stops.
            if (appended === 0) {
              taken = false;
              child.kill('SIGKILL');
            }
          });
          return;
        case 'step':
          if (message.step.step <= lastStep) return;
          lastStep = message.step.step;
          pending.push(message.step);
          totalSteps = message.totalSteps;
          eta = message.etaSeconds;
          return;
        case 'checkpoint':
          flush();
          then(() => this.decide(projectId, { type: 'SaveTrainingCheckpoint', runId, step: message.step, path: relative(this.config.dataDir, message.path) }));
          return;
        case 'done':
        case 'failed':
          result = message;
          return;
      }
    });

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    clearInterval(flusher);
    clearInterval(watcher);
    this.children.delete(runId);
    flush();
    await chain;
    const final = result as TrainingMessage | null;

    if (!taken) return 'skipped';
    if (cancelled) {
      const { state: now } = await this.load(runId);
      if (isFinal(now.status)) return 'skipped';
      await this.decide(projectId, { type: 'CancelTrainingRun', runId, step: lastStep });
      return 'cancelled';
    }
    if (final?.type === 'failed') return fail(final.code, final.message);
    if (final?.type === 'done' && exit.code === 0) {
      const registered = await this.register(modelId, runId, launched, final).catch((error: unknown) => {
        // A rule of the registry (e.g. the name taken by an import meanwhile): retrying would not help.
        if (error instanceof DomainError) return error;
        throw error;
      });
      if (registered instanceof DomainError) return fail('internal', `the trained model could not be registered: ${registered.message}`);
      await this.decide(projectId, { type: 'CompleteTrainingRun', runId, modelId: registered, metrics: final.metrics, evaluation: final.evaluation });
      return 'completed';
    }
    if (OOM.test(stderr) || exit.signal === 'SIGABRT' || exit.code === 134) {
      return fail('out_of_memory', `the training process ran out of memory (TRAINING_MAX_MEMORY_MB=${this.config.training.maxMemoryMb}): ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    }
    if (exit.code === 1) return fail('internal', `the training process crashed: ${stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' | ') || 'no message'}`);
    if (this.closing) return 'skipped';
    return 'lost';
  }
}
