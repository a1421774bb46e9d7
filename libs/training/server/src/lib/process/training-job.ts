import type { ModelArchitecture, TrainingFailureCode, TrainingStepMetrics } from '@camel/contracts';
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeModelFolder, type ModelCardFacts } from './model-folder';
import { train, TrainingFailure, type TextPair, type TrainingSetup } from './train-loop';

/** What a training process is given (as JSON): the setup, the pairs file, where the model folder goes. */
export interface TrainingJobSpec {
  readonly setup: TrainingSetup;
  /** JSONL of TextPair. */
  readonly pairsFile: string;
  /** The model folder to write at the end. */
  readonly outDir: string;
  readonly facts: Omit<ModelCardFacts, 'examples'>;
}

/** What a training process reports (IPC messages to the job's processor; the CLI prints them). */
export type TrainingMessage =
  | { readonly type: 'started'; readonly backend: string; readonly totalSteps: number; readonly resumedFromStep: number; readonly architecture: ModelArchitecture }
  | { readonly type: 'step'; readonly step: TrainingStepMetrics; readonly totalSteps: number; readonly etaSeconds: number | null }
  | { readonly type: 'checkpoint'; readonly step: number; readonly path: string }
  | { readonly type: 'done'; readonly metrics: Readonly<Record<string, number>>; readonly evaluation: Readonly<Record<string, number>> | null; readonly architecture: ModelArchitecture }
  | { readonly type: 'failed'; readonly code: TrainingFailureCode; readonly message: string; readonly step: number };

export function readPairs(file: string): TextPair[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TextPair);
}

/** The steps logged so far (kept in the work folder, cut back to the checkpoint a resume starts from). */
function historyUpTo(file: string, step: number): TrainingStepMetrics[] {
  if (!existsSync(file)) return [];
  const rows = readHistory(file).filter((row) => row.step <= step);
  writeFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  return rows;
}

const readHistory = (file: string): TrainingStepMetrics[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrainingStepMetrics);

/**
 * One training job, start to model folder: the training process runs it for a queued run, the CLI
 * for a file. `emit` receives every report; a TrainingFailure becomes a `failed` message with its
 * code (other errors are thrown).
 */
export async function runTrainingJob(spec: TrainingJobSpec, emit: (message: TrainingMessage) => void, clock: () => Date = () => new Date()): Promise<boolean> {
  const historyFile = join(spec.setup.workDir, 'history.jsonl');
  let history: TrainingStepMetrics[] = [];
  let step = 0;
  let examples = 0;
  try {
    const outcome = await train(spec.setup, readPairs(spec.pairsFile), {
      onStart: (info) => {
        step = info.resumedFromStep;
        examples = info.examples;
        history = historyUpTo(historyFile, info.resumedFromStep);
        emit({ type: 'started', backend: info.backend, totalSteps: info.totalSteps, resumedFromStep: info.resumedFromStep, architecture: info.architecture });
      },
      onStep: (report) => {
        step = report.step;
        const row: TrainingStepMetrics = { step: report.step, epoch: report.epoch, metrics: report.metrics, learningRate: report.learningRate, tokensPerSecond: Math.round(report.tokensPerSecond * 10) / 10, at: clock().toISOString() };
        history.push(row);
        appendFileSync(historyFile, `${JSON.stringify(row)}\n`);
        emit({ type: 'step', step: row, totalSteps: report.totalSteps, etaSeconds: report.etaSeconds });
      },
      onCheckpoint: (at, path) => emit({ type: 'checkpoint', step: at, path }),
    });
    try {
      writeModelFolder(spec.outDir, outcome, { ...spec.facts, examples }, history);
      const metrics = history.length > 0 ? history[history.length - 1].metrics : outcome.metrics;
      emit({ type: 'done', metrics, evaluation: outcome.evaluation, architecture: outcome.architecture });
    } finally {
      outcome.dispose();
    }
    return true;
  } catch (error) {
    if (!(error instanceof TrainingFailure)) throw error;
    emit({ type: 'failed', code: error.code, message: error.message, step });
    return false;
  }
}
