import { DomainError, TRAINING_METHODS, type TrainingMethod } from '@camel/contracts';
import { materializeImported, parsePreferenceJsonl } from '@camel/datasets';
import { validHyperparameters, validLora } from '@camel/training';
import { loadTrainingJob, type TrainingMessage } from '@camel/training/server';
import { SingleBar } from 'cli-progress';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const TRAIN_USAGE = `usage: npm run cli -- train --data <pairs.jsonl> --base <model folder> --method dpo|sft --out <folder>
       [--lora-rank N [--lora-alpha A] [--lora-targets q_proj,v_proj]] [--epochs N] [--batch-size N] [--micro-batch N]
       [--learning-rate X] [--beta X] [--loss-type sigmoid|ipo|hinge|robust] [--max-length N]
       [--checkpoint-every N] [--seed N] [--test-ratio X] [--name <model name>]

Trains in this process, outside the queue, with the same training loop as a queued run: the pairs
file is TRL preference JSONL (standard or conversational), the base a Hugging Face folder
(config.json, model.safetensors, tokenizer.json). Checkpoints go to <out>.work/ and a second run
with the same arguments resumes from the last one. Progress on stderr; exit 2 on bad arguments,
3 when training fails (the reason is printed).`;

const NUMBER_FLAGS: Record<string, string> = {
  '--epochs': 'epochs',
  '--batch-size': 'batchSize',
  '--micro-batch': 'microBatch',
  '--learning-rate': 'learningRate',
  '--weight-decay': 'weightDecay',
  '--warmup-steps': 'warmupSteps',
  '--beta': 'beta',
  '--max-length': 'maxLength',
  '--checkpoint-every': 'checkpointEvery',
  '--label-smoothing': 'labelSmoothing',
  '--rpo-alpha': 'rpoAlpha',
};

function flags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (!name.startsWith('--')) throw new DomainError('validation', 'cli.argument', `unexpected argument ${name}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new DomainError('validation', 'cli.argument', `${name} needs a value`);
    out.set(name, value);
    i++;
  }
  return out;
}

const num = (text: string, flag: string): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new DomainError('validation', 'cli.argument', `${flag} must be a number`, flag);
  return value;
};

const fmt = (v: number | undefined) => (v === undefined ? '-' : Math.abs(v) >= 0.01 ? v.toFixed(4) : v.toExponential(2));

/** `train`: a model folder from a pairs file, with a progress bar on stderr. Returns the exit code. */
export async function trainCommand(args: readonly string[]): Promise<number> {
  let spec;
  try {
    const f = flags(args);
    for (const required of ['--data', '--base', '--method', '--out']) if (!f.get(required)) throw new DomainError('validation', 'cli.argument', `${required} is required`, required);
    const method = f.get('--method') as TrainingMethod;
    if (!TRAINING_METHODS.includes(method)) throw new DomainError('validation', 'cli.argument', `--method must be one of ${TRAINING_METHODS.join(', ')}`, '--method');
    const known = new Set(['--data', '--base', '--method', '--out', '--lora-rank', '--lora-alpha', '--lora-targets', '--loss-type', '--seed', '--test-ratio', '--name', '--precompute-reference', ...Object.keys(NUMBER_FLAGS)]);
    const unknown = [...f.keys()].find((k) => !known.has(k));
    if (unknown) throw new DomainError('validation', 'cli.argument', `unknown option ${unknown}`, unknown);
    const given: Record<string, unknown> = {};
    for (const [flag, field] of Object.entries(NUMBER_FLAGS)) if (f.has(flag)) given[field] = num(f.get(flag) as string, flag);
    if (f.has('--loss-type')) given['lossType'] = f.get('--loss-type');
    if (f.has('--precompute-reference')) given['precomputeReference'] = f.get('--precompute-reference') !== 'false';
    const hyperparameters = validHyperparameters(given);
    const lora = f.has('--lora-rank')
      ? validLora({
          rank: num(f.get('--lora-rank') as string, '--lora-rank'),
          ...(f.has('--lora-alpha') ? { alpha: num(f.get('--lora-alpha') as string, '--lora-alpha') } : {}),
          ...(f.has('--lora-targets') ? { targets: (f.get('--lora-targets') as string).split(',').map((t) => t.trim()) } : {}),
        })
      : null;
    const seed = f.has('--seed') ? num(f.get('--seed') as string, '--seed') : 42;
    const testRatio = f.has('--test-ratio') ? num(f.get('--test-ratio') as string, '--test-ratio') : 0.1;
    if (!(testRatio >= 0 && testRatio < 1)) throw new DomainError('validation', 'cli.argument', '--test-ratio must be in [0, 1)', '--test-ratio');
    const data = resolve(f.get('--data') as string);
    if (!existsSync(data)) throw new DomainError('validation', 'cli.argument', `${data} does not exist`, '--data');
    const out = resolve(f.get('--out') as string);
    const workDir = `${out}.work`;
    mkdirSync(workDir, { recursive: true });
    const { pairs } = materializeImported(parsePreferenceJsonl(readFileSync(data, 'utf8')), { testRatio, seed });
    const pairsFile = join(workDir, 'pairs.jsonl');
    writeFileSync(pairsFile, pairs.map((p) => `${JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, split: p.split })}\n`).join(''));
    const base = resolve(f.get('--base') as string);
    spec = {
      setup: { baseDir: base, method, lora, hyperparameters, seed, workDir },
      pairsFile,
      outDir: out,
      facts: { name: f.get('--name') ?? basename(out), baseModel: basename(base), dataset: basename(data), method, lora, hyperparameters, seed, trainingRunId: null },
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`train: ${error.message}${error.field && !error.message.includes(error.field) ? ` (${error.field})` : ''}\n\n${TRAIN_USAGE}`);
    return 2;
  }

  const bar = new SingleBar({ format: 'train [{bar}] {value}/{total} steps | loss {loss} | {rate} tok/s | ETA {etaText}', hideCursor: true, clearOnComplete: false, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 });
  let started = false;
  let failure: Extract<TrainingMessage, { type: 'failed' }> | null = null;
  let done: Extract<TrainingMessage, { type: 'done' }> | null = null;
  const { runTrainingJob } = await loadTrainingJob();
  await runTrainingJob(spec, (message) => {
    switch (message.type) {
      case 'started':
        console.error(`backend ${message.backend}; ${message.architecture.parameters.toLocaleString('en-US')} parameters; ${message.totalSteps} steps${message.resumedFromStep > 0 ? `, resuming at step ${message.resumedFromStep}` : ''}`);
        bar.start(message.totalSteps, message.resumedFromStep, { loss: '-', rate: 0, etaText: '-' });
        started = true;
        return;
      case 'step':
        bar.update(message.step.step, { loss: fmt(message.step.metrics['loss']), rate: Math.round(message.step.tokensPerSecond), etaText: message.etaSeconds === null ? '-' : `${message.etaSeconds}s` });
        return;
      case 'checkpoint':
        return;
      case 'done':
        done = message;
        return;
      case 'failed':
        failure = message;
        return;
    }
  });
  if (started) bar.stop();
  const failed = failure as Extract<TrainingMessage, { type: 'failed' }> | null;
  if (failed) {
    console.error(`training failed (${failed.code}) at step ${failed.step}: ${failed.message}`);
    return 3;
  }
  const finished = done as Extract<TrainingMessage, { type: 'done' }> | null;
  const metrics = { ...(finished?.metrics ?? {}), ...(finished?.evaluation ?? {}) };
  console.error(Object.entries(metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(' | '));
  console.log(spec.outDir);
  return 0;
}
