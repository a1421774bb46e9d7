import { MODEL_FILES, type LoraSettings, type TrainingHyperparameters, type TrainingMethod, type TrainingStepMetrics } from '@camel/contracts';
import { saveAdapter, saveHfModel } from '@camel/ml';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { TrainingOutcome } from './train-loop';

/** What the model card and training_args.json say about the run. */
export interface ModelCardFacts {
  readonly name: string;
  readonly baseModel: string;
  /** e.g. `<dataset id>@<version>`, or the file the CLI trained on. */
  readonly dataset: string;
  readonly method: TrainingMethod;
  readonly lora: LoraSettings | null;
  readonly hyperparameters: TrainingHyperparameters;
  readonly seed: number;
  readonly trainingRunId: string | null;
  readonly examples: number;
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

function card(facts: ModelCardFacts, outcome: TrainingOutcome, history: readonly TrainingStepMetrics[], final: Readonly<Record<string, number>>): string {
  const a = outcome.architecture;
  const small = a.parameters < 50_000_000;
  const metrics = [...Object.entries(final), ...Object.entries(outcome.evaluation ?? {})];
  return [
    `# ${facts.name}`,
    '',
    `A ${facts.method.toUpperCase()} fine-tune${facts.lora ? ` with LoRA (rank ${facts.lora.rank}, alpha ${facts.lora.alpha}, ${facts.lora.targets.join(', ')}; merged into model.safetensors, the adapter alone in adapter_model.safetensors)` : ' of every weight'} of \`${facts.baseModel}\`, trained by CAMEL Extensions with TensorFlow.js (${outcome.backend} backend).`,
    '',
    '| | |',
    '|---|---|',
    `| base model | \`${facts.baseModel}\` |`,
    `| dataset | \`${facts.dataset}\` (${facts.examples} training pairs) |`,
    `| method | ${facts.method}${facts.method === 'dpo' ? ` (${facts.hyperparameters.lossType}, β ${facts.hyperparameters.beta})` : ''} |`,
    `| training run | ${facts.trainingRunId ?? 'command line'} |`,
    `| steps | ${history.length > 0 ? history[history.length - 1].step : 0} |`,
    `| architecture | Llama, ${a.parameters.toLocaleString('en-US')} parameters, ${a.layers} layers, hidden ${a.hiddenSize}, ${a.heads} heads / ${a.kvHeads} KV heads, vocabulary ${a.vocabSize}, context ${a.contextLength} |`,
    `| seed | ${facts.seed} |`,
    '',
    '## Hyperparameters',
    '',
    '```json',
    JSON.stringify(facts.hyperparameters, null, 2),
    '```',
    '',
    '## Final metrics',
    '',
    ...(metrics.length > 0 ? ['| metric | value |', '|---|---|', ...metrics.map(([k, v]) => `| ${k} | ${fmt(v)} |`)] : ['None recorded.']),
    '',
    '## Limits',
    '',
    small
      ? 'Trained on a small CPU; demo-sized. A model of this size learns the surface of its dataset (style, length, the preferred property), not knowledge: do not rely on what it says.'
      : 'Fine-tuned on CPU with float32 weights. Its behaviour reflects the preference dataset above and the base model’s own limits.',
    '',
  ].join('\n');
}

/**
 * The model folder (MODEL_FILES): merged weights, config and tokenizer (Hugging Face layout), the
 * LoRA adapter apart, training_args.json, metrics.jsonl and the model card. Written beside the
 * target and renamed into place: a folder is whole or absent, and writing it again replaces it.
 */
export function writeModelFolder(dir: string, outcome: TrainingOutcome, facts: ModelCardFacts, history: readonly TrainingStepMetrics[]): void {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  if (outcome.model.loraOptions) saveAdapter(tmp, outcome.model, facts.baseModel);
  saveHfModel(tmp, { model: outcome.model, tokenizer: outcome.tokenizer });
  const final = history.length > 0 ? history[history.length - 1].metrics : outcome.metrics;
  const args = { ...facts.hyperparameters, method: facts.method, lora: facts.lora, seed: facts.seed, base_model: facts.baseModel, dataset: facts.dataset, training_run: facts.trainingRunId, backend: outcome.backend };
  writeFileSync(`${tmp}/${MODEL_FILES.trainingArgs}`, `${JSON.stringify(args, null, 2)}\n`);
  writeFileSync(`${tmp}/${MODEL_FILES.metrics}`, history.map((h) => JSON.stringify({ step: h.step, epoch: h.epoch, learning_rate: h.learningRate, ...h.metrics })).join('\n') + (history.length > 0 ? '\n' : ''));
  writeFileSync(`${tmp}/${MODEL_FILES.card}`, card(facts, outcome, history, final));
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}
