import type { LlamaModel } from './model';
import { dpoObjective, referenceLogps, sftObjective, validateObjective, type Metrics, type Objective, type ObjectiveValue, type PreferencePair, type SftExample } from './objectives';
import { AdamW, learningRateAt, type AdamWOptions, type Schedule } from './optimizer';
import { readSafetensors, writeSafetensors } from './safetensors';
import { tf } from './tf';

export interface TrainerOptions {
  readonly objective: Objective;
  readonly optimizer: AdamWOptions;
  /** Learning-rate warm-up and decay; the optimizer's rate when absent. */
  readonly schedule?: Omit<Schedule, 'learningRate'>;
  /** The padding id (right padding; masked out of every loss). */
  readonly pad: number;
  /**
   * DPO's frozen reference: a model (a full fine-tune's frozen copy), `'base'` (the policy with its
   * LoRA adapters off: no second copy of the weights), or absent when every pair carries precomputed
   * reference log-probs.
   */
  readonly reference?: LlamaModel | 'base';
  /**
   * Pairs (or examples) per forward/backward pass: a larger batch is cut into micro-batches whose
   * gradients are added before the one update (gradient accumulation — the update and the metrics
   * are the whole batch's). Each micro-batch counts by its share of the batch: pairs for DPO, completion
   * tokens for SFT (its loss is a token mean); DPO's token-mean terms (the rpo_alpha NLL, logits/*) are
   * averaged per micro-batch. Default: the whole batch in one pass. Memory grows with it: on wasm a
   * 135M model's LoRA step fits one pair, not four.
   */
  readonly microBatch?: number;
}

export interface StepResult {
  /** 1-based optimizer step just taken. */
  readonly step: number;
  readonly metrics: Metrics;
  /** Tokens the forward passes processed (padding included): the throughput numerator. */
  readonly tokens: number;
  readonly gradNorm: number;
  readonly learningRate: number;
}

/** What a checkpoint is on disk: the trainable weights, the optimizer state and the step, as files. */
export interface CheckpointFiles {
  /** `model.safetensors` (full fine-tune, Hugging Face names) or `adapter_model.safetensors` (LoRA, PEFT names). */
  readonly weights: { readonly name: string; readonly bytes: Uint8Array };
  readonly optimizer: Uint8Array;
  /** JSON: { step }. */
  readonly state: string;
}

/**
 * A Trainer-like step API over plain data: `step(batch)` runs one forward/backward/AdamW update and
 * returns TRL-named metrics. Sampling, epochs and batching are the caller's (a queued job, the CLI),
 * which makes resuming exact: restore a checkpoint and feed the same batches from the same step.
 */
export class Trainer {
  readonly optimizer: AdamW;
  private readonly variables: tf.Variable[];

  constructor(
    readonly model: LlamaModel,
    readonly options: TrainerOptions,
  ) {
    validateObjective(options.objective);
    this.variables = model.trainableVariables();
    this.optimizer = new AdamW(this.variables, model.trainableNames(), options.optimizer);
  }

  get completedSteps(): number {
    return this.optimizer.step;
  }

  private referenceModel(): (() => LlamaModel) | null {
    const ref = this.options.reference;
    if (!ref) return null;
    if (ref !== 'base') return () => ref;
    return () => {
      this.model.adaptersEnabled = false;
      return this.model;
    };
  }

  private objective(batch: readonly PreferencePair[] | readonly SftExample[]): { value: () => ObjectiveValue; tokens: number } {
    const objective = this.options.objective;
    if (objective.kind === 'sft') {
      const examples = batch as readonly SftExample[];
      return { value: () => sftObjective(this.model, examples, this.options.pad), tokens: examples.length * Math.max(...examples.map((e) => e.prompt.length + e.completion.length)) };
    }
    const pairs = batch as readonly PreferencePair[];
    let ref: { chosen: number[]; rejected: number[] };
    try {
      ref = referenceLogps(pairs, this.options.pad, this.referenceModel());
    } finally {
      this.model.adaptersEnabled = true;
    }
    const length = Math.max(...pairs.flatMap((p) => [p.prompt.length + p.chosen.length, p.prompt.length + p.rejected.length]));
    return { value: () => dpoObjective(this.model, pairs, ref, this.options.pad, objective), tokens: 2 * pairs.length * length };
  }

  /** Loss and metrics without an update (evaluation). */
  evaluate(batch: readonly PreferencePair[] | readonly SftExample[]): Metrics {
    const { value } = this.objective(batch);
    return tf.tidy(() => readMetrics(value().metrics));
  }

  step(batch: readonly PreferencePair[] | readonly SftExample[]): StepResult {
    if (batch.length === 0) throw new Error('an empty batch');
    const size = Math.max(1, Math.floor(this.options.microBatch ?? batch.length));
    const parts: (readonly PreferencePair[] | readonly SftExample[])[] = [];
    for (let i = 0; i < batch.length; i += size) parts.push(batch.slice(i, i + size) as readonly PreferencePair[] | readonly SftExample[]);
    const sft = this.options.objective.kind === 'sft';
    const weightOf = (part: readonly PreferencePair[] | readonly SftExample[]) => (sft ? (part as readonly SftExample[]).reduce((n, e) => n + e.completion.length, 0) : part.length);
    const total = parts.reduce((n, part) => n + weightOf(part), 0);
    let summed: tf.Tensor[] | null = null;
    const metrics: Metrics = {};
    let tokens = 0;
    for (const part of parts) {
      const share = parts.length === 1 ? 1 : weightOf(part) / Math.max(total, 1);
      const objective = this.objective(part);
      tokens += objective.tokens;
      const { value: lossValue, grads } = tf.variableGrads(() => {
        const v = objective.value();
        for (const [name, value] of Object.entries(readMetrics(v.metrics))) metrics[name] = (metrics[name] ?? 0) + share * value;
        return share === 1 ? v.loss : (tf.mul(v.loss, share) as tf.Scalar);
      }, this.variables);
      const ordered = this.variables.map((x) => grads[x.name]);
      lossValue.dispose();
      if (!summed) summed = ordered;
      else {
        const previous: tf.Tensor[] = summed;
        summed = previous.map((g, i) => tf.add(g, ordered[i]));
        tf.dispose([...previous, ...ordered]);
      }
    }
    const learningRate = this.options.schedule ? learningRateAt({ ...this.options.schedule, learningRate: this.options.optimizer.learningRate }, this.optimizer.step + 1) : this.options.optimizer.learningRate;
    const gradNorm = this.optimizer.apply(summed ?? [], learningRate);
    tf.dispose(summed ?? []);
    return { step: this.optimizer.step, metrics, tokens, gradNorm, learningRate };
  }

  checkpoint(): CheckpointFiles {
    const lora = this.model.loraOptions;
    const weights = lora ? this.model.adapterTensors() : this.model.toTensors();
    const state = this.optimizer.state();
    return {
      weights: { name: lora ? 'adapter_model.safetensors' : 'model.safetensors', bytes: writeSafetensors(weights) },
      optimizer: writeSafetensors(state.tensors),
      state: JSON.stringify({ step: state.step }),
    };
  }

  /** Loads a checkpoint of this same setup (same model shape, adapters and objective). */
  restore(files: CheckpointFiles): void {
    const weights = readSafetensors(files.weights.bytes).tensors;
    if (this.model.loraOptions) this.model.loadAdapterTensors(weights);
    else this.model.assignTensors(weights);
    const { step } = JSON.parse(files.state) as { step: number };
    this.optimizer.load(step, readSafetensors(files.optimizer).tensors);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

function readMetrics(metrics: Record<string, tf.Scalar>): Metrics {
  const out: Metrics = {};
  for (const [name, t] of Object.entries(metrics)) out[name] = t.dataSync()[0];
  return out;
}
