import type { ChatMessage, LoraSettings, ModelArchitecture, TrainingFailureCode, TrainingHyperparameters, TrainingMethod } from '@camel/contracts';
import {
  encodeChat,
  encodeReply,
  initBackend,
  loadHfModel,
  precomputeReferenceLogps,
  Trainer,
  type BackendName,
  type BpeTokenizer,
  type LlamaModel,
  type Metrics,
  type PreferencePair,
  type SftExample,
  type TrainerOptions,
} from '@camel/ml';
import { batchesFrom, totalSteps as scheduleTotal } from '@camel/training';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pair as a dataset version holds it (the job writes them as JSONL; the CLI reads a TRL-style file). */
export interface TextPair {
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  readonly split: 'train' | 'test';
}

export interface TrainingSetup {
  /** The base model's folder (Hugging Face layout). */
  readonly baseDir: string;
  readonly method: TrainingMethod;
  readonly lora: LoraSettings | null;
  readonly hyperparameters: TrainingHyperparameters;
  readonly seed: number;
  /** Checkpoints go to `<workDir>/checkpoints/step-N/` (the last two kept). */
  readonly workDir: string;
  readonly backend?: BackendName;
}

export interface StepReport {
  readonly step: number;
  readonly epoch: number;
  readonly totalSteps: number;
  readonly metrics: Metrics;
  readonly learningRate: number;
  readonly tokensPerSecond: number;
  readonly etaSeconds: number | null;
}

export interface TrainingHooks {
  onStart?(info: { backend: string; totalSteps: number; resumedFromStep: number; architecture: ModelArchitecture; examples: number }): void;
  onStep?(report: StepReport): void;
  onCheckpoint?(step: number, dir: string): void;
}

export interface TrainingOutcome {
  readonly model: LlamaModel;
  readonly tokenizer: BpeTokenizer;
  readonly trainer: Trainer;
  readonly backend: string;
  readonly architecture: ModelArchitecture;
  /** The last step's metrics. */
  readonly metrics: Metrics;
  /** Held-out metrics (`eval/<name>`), null without a test split. */
  readonly evaluation: Metrics | null;
  dispose(): void;
}

/** A failure the run records with its code (anything else is `internal`). */
export class TrainingFailure extends Error {
  constructor(
    readonly code: TrainingFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingFailure';
  }
}

const CHECKPOINTS_KEPT = 2;

export function architectureOf(model: LlamaModel): ModelArchitecture {
  const c = model.config;
  return { family: 'llama', parameters: model.parameterCount(), hiddenSize: c.hiddenSize, layers: c.numLayers, heads: c.numHeads, kvHeads: c.numKvHeads, vocabSize: c.vocabSize, contextLength: c.maxPositions };
}

interface Encoded {
  readonly prompt: number[];
  readonly chosen: number[];
  readonly rejected: number[];
}

/**
 * ChatML prompt + replies, cut to `maxLength`: the prompt loses its start, a reply too long for the
 * rest loses its end. A pair whose replies are the same tokens after the cut says nothing (null).
 */
function encodePair(tokenizer: BpeTokenizer, pair: TextPair, maxLength: number): Encoded | null {
  let chosen = encodeReply(tokenizer, pair.chosen);
  let rejected = encodeReply(tokenizer, pair.rejected);
  const reply = Math.min(Math.max(chosen.length, rejected.length), maxLength - 1);
  chosen = chosen.slice(0, reply);
  rejected = rejected.slice(0, reply);
  const prompt = encodeChat(tokenizer, pair.prompt as never).slice(-(maxLength - reply));
  if (prompt.length === 0 || chosen.length === 0 || rejected.length === 0) return null;
  if (chosen.length === rejected.length && chosen.every((id, i) => id === rejected[i])) return null;
  return { prompt, chosen, rejected };
}

export const padOf = (model: LlamaModel, tokenizer: BpeTokenizer): number => model.config.eosTokenId ?? tokenizer.tokenId('<|endoftext|>') ?? tokenizer.tokenId('<|im_end|>') ?? 0;

function latestCheckpoint(dir: string): { step: number; dir: string } | null {
  if (!existsSync(dir)) return null;
  const steps = readdirSync(dir)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'state.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  return steps.length > 0 ? { step: steps[0], dir: join(dir, `step-${steps[0]}`) } : null;
}

/** Written to a temporary folder and renamed: a checkpoint on disk is whole or absent. */
function saveCheckpoint(trainer: Trainer, root: string, step: number): string {
  const files = trainer.checkpoint();
  const dir = join(root, `step-${step}`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, files.weights.name), files.weights.bytes);
  writeFileSync(join(tmp, 'optimizer.safetensors'), files.optimizer);
  writeFileSync(join(tmp, 'state.json'), files.state);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const old = readdirSync(root)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a)
    .slice(CHECKPOINTS_KEPT);
  for (const s of old) rmSync(join(root, `step-${s}`), { recursive: true, force: true });
  return dir;
}

/**
 * Every step's report, one JSON line each, in the work folder: a resumed attempt reports again the
 * steps up to its checkpoint, so none is lost when the previous attempt died after writing a
 * checkpoint but before its parent recorded the steps before it (the parent skips steps it has).
 */
const STEPS_FILE = 'steps.jsonl';

function recordedSteps(workDir: string, upTo: number): StepReport[] {
  const file = join(workDir, STEPS_FILE);
  if (!existsSync(file)) return [];
  const reports: StepReport[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const report = JSON.parse(line) as StepReport;
      if (report.step <= upTo) reports.push(report);
    } catch {
      // The last line of a process killed while writing it.
    }
  }
  return reports;
}

function restoreCheckpoint(trainer: Trainer, dir: string): void {
  const weights = existsSync(join(dir, 'adapter_model.safetensors')) ? 'adapter_model.safetensors' : 'model.safetensors';
  trainer.restore({ weights: { name: weights, bytes: readFileSync(join(dir, weights)) }, optimizer: readFileSync(join(dir, 'optimizer.safetensors')), state: readFileSync(join(dir, 'state.json'), 'utf8') });
}

function mean(rows: readonly Metrics[], weights: readonly number[]): Metrics {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: Metrics = {};
  for (const name of Object.keys(rows[0] ?? {})) out[`eval/${name}`] = rows.reduce((sum, row, i) => sum + row[name] * weights[i], 0) / total;
  return out;
}

/**
 * The one training loop (the queued job's training process and the CLI): load the base model, add
 * LoRA, encode the pairs, resume from the last checkpoint in `workDir` if any, feed the scheduled
 * batches (a pure function of seed and step), checkpoint every `checkpointEvery` steps and at the
 * end, then evaluate on the test split. The caller writes the model folder from the outcome.
 */
export async function train(setup: TrainingSetup, pairs: readonly TextPair[], hooks: TrainingHooks = {}): Promise<TrainingOutcome> {
  const backend = await initBackend(setup.backend);
  const h = setup.hyperparameters;
  let loaded;
  try {
    loaded = loadHfModel(setup.baseDir);
  } catch (error) {
    throw new TrainingFailure('base_model_missing', `the base model at ${setup.baseDir} does not load: ${(error as Error).message}`);
  }
  const { model, tokenizer } = loaded;
  const architecture = architectureOf(model);
  if (setup.lora) model.addLora({ rank: setup.lora.rank, alpha: setup.lora.alpha, targets: [...setup.lora.targets] }, setup.seed);
  const pad = padOf(model, tokenizer);
  const maxLength = Math.min(h.maxLength, model.config.maxPositions);
  const encode = (split: 'train' | 'test') => pairs.filter((p) => p.split === split).map((p) => encodePair(tokenizer, p, maxLength)).filter((p): p is Encoded => p !== null);
  const trainSet = encode('train');
  const testSet = encode('test');
  if (trainSet.length === 0) {
    model.dispose();
    throw new TrainingFailure('dataset_empty', `no training pair is left after encoding and filtering (${pairs.length} pairs, ${pairs.filter((p) => p.split === 'train').length} in the train split, maxLength ${maxLength})`);
  }
  const total = scheduleTotal(trainSet.length, h.batchSize, h.epochs);

  let reference: TrainerOptions['reference'];
  let trainPairs: PreferencePair[] = trainSet;
  let testPairs: PreferencePair[] = testSet;
  let frozen: LlamaModel | null = null;
  if (setup.method === 'dpo') {
    if (h.precomputeReference) {
      // The reference is the base model: the policy as loaded (LoRA adapters start at zero).
      trainPairs = precomputeReferenceLogps(model, trainSet, pad);
      testPairs = precomputeReferenceLogps(model, testSet, pad);
    } else if (setup.lora) {
      reference = 'base';
    } else {
      frozen = model.clone();
      reference = frozen;
    }
  }
  const trainer = new Trainer(model, {
    objective: setup.method === 'sft' ? { kind: 'sft' } : { kind: 'dpo', beta: h.beta, lossType: h.lossType, labelSmoothing: h.labelSmoothing, sftWeight: h.rpoAlpha },
    optimizer: { learningRate: h.learningRate, weightDecay: h.weightDecay, maxGradNorm: 1 },
    schedule: { warmupSteps: h.warmupSteps, kind: 'linear', totalSteps: total },
    pad,
    reference,
    // Runs launched before microBatch existed have none: the whole batch in one pass, as 0 says.
    microBatch: h.microBatch > 0 ? h.microBatch : undefined,
  });
  const dispose = () => {
    trainer.dispose();
    frozen?.dispose();
    model.dispose();
  };
  try {
    const checkpoints = join(setup.workDir, 'checkpoints');
    mkdirSync(checkpoints, { recursive: true });
    const last = latestCheckpoint(checkpoints);
    if (last) restoreCheckpoint(trainer, last.dir);
    const from = trainer.completedSteps;
    hooks.onStart?.({ backend, totalSteps: total, resumedFromStep: from, architecture, examples: trainSet.length });
    const reported = new Set<number>();
    for (const report of recordedSteps(setup.workDir, from)) {
      if (reported.has(report.step)) continue;
      reported.add(report.step);
      hooks.onStep?.(report);
    }

    const asBatch = (indices: readonly number[]): PreferencePair[] | SftExample[] =>
      setup.method === 'sft' ? indices.map((i) => ({ prompt: trainSet[i].prompt, completion: trainSet[i].chosen })) : indices.map((i) => trainPairs[i]);
    let metrics: Metrics = {};
    const recent: number[] = [];
    for (const batch of batchesFrom(setup.seed, trainSet.length, h.batchSize, h.epochs, from)) {
      // Let the event loop turn between steps: reports go out, and a training process whose parent
      // died hears of it (IPC `disconnect`) instead of training on alone.
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const result = trainer.step(asBatch(batch.indices));
      const seconds = (performance.now() - started) / 1000;
      metrics = result.metrics;
      if (!Number.isFinite(result.metrics['loss'])) throw new TrainingFailure('diverged', `the loss is ${result.metrics['loss']} at step ${result.step} (learning rate ${result.learningRate})`);
      recent.push(seconds);
      if (recent.length > 20) recent.shift();
      const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
      const report: StepReport = {
        step: result.step,
        epoch: batch.epoch,
        totalSteps: total,
        metrics: result.metrics,
        learningRate: result.learningRate,
        tokensPerSecond: seconds > 0 ? result.tokens / seconds : 0,
        etaSeconds: Math.round((total - result.step) * perStep),
      };
      appendFileSync(join(setup.workDir, STEPS_FILE), `${JSON.stringify(report)}\n`);
      hooks.onStep?.(report);
      if (result.step % h.checkpointEvery === 0 || result.step === total) hooks.onCheckpoint?.(result.step, saveCheckpoint(trainer, checkpoints, result.step));
    }
    let evaluation: Metrics | null = null;
    if (testSet.length > 0) {
      const rows: Metrics[] = [];
      const sizes: number[] = [];
      for (let i = 0; i < testPairs.length; i += h.batchSize) {
        const slice = testPairs.slice(i, i + h.batchSize);
        rows.push(trainer.evaluate(setup.method === 'sft' ? slice.map((p) => ({ prompt: p.prompt, completion: p.chosen })) : slice));
        sizes.push(slice.length);
      }
      evaluation = mean(rows, sizes);
    }
    return { model, tokenizer, trainer, backend, architecture, metrics, evaluation, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

