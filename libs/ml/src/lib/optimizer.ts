import type { NamedArray, TensorMap } from './safetensors';
import { tf } from './tf';

export interface AdamWOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled weight decay (PyTorch AdamW: p ← p − lr·wd·p before the Adam update). */
  readonly weightDecay?: number;
  /** Clip the gradients' global L2 norm to this (Hugging Face's max_grad_norm); none when absent. */
  readonly maxGradNorm?: number;
}

export class OptimizerError extends Error {
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

export function validateAdamW(options: AdamWOptions): AdamWOptions {
  if (!(options.learningRate > 0)) throw new OptimizerError('learningRate must be positive', ['learningRate']);
  for (const key of ['beta1', 'beta2'] as const) {
    const value = options[key];
    if (value !== undefined && !(value >= 0 && value < 1)) throw new OptimizerError(`${key} must be in [0, 1)`, [key]);
  }
  if (options.epsilon !== undefined && !(options.epsilon > 0)) throw new OptimizerError('epsilon must be positive', ['epsilon']);
  if (options.weightDecay !== undefined && !(options.weightDecay >= 0)) throw new OptimizerError('weightDecay must be ≥ 0', ['weightDecay']);
  if (options.maxGradNorm !== undefined && !(options.maxGradNorm > 0)) throw new OptimizerError('maxGradNorm must be positive', ['maxGradNorm']);
  return options;
}

/**
 * AdamW with PyTorch's semantics (bias-corrected moments, decoupled decay), over named variables.
 * Its state (step count, first and second moments) checkpoints as named arrays and loads back exactly.
 */
export class AdamW {
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly names: readonly string[],
    readonly options: AdamWOptions,
  ) {
    validateAdamW(options);
    this.m = variables.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = variables.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  /** One update with `grads` (same order as the variables); returns the gradients' global norm before clipping. */
  apply(grads: readonly tf.Tensor[], learningRate = this.options.learningRate): number {
    const b1 = this.options.beta1 ?? 0.9;
    const b2 = this.options.beta2 ?? 0.999;
    const eps = this.options.epsilon ?? 1e-8;
    const wd = this.options.weightDecay ?? 0;
    this.step += 1;
    const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
    const clip = this.options.maxGradNorm && norm > this.options.maxGradNorm ? this.options.maxGradNorm / (norm + 1e-6) : 1;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        const g = clip === 1 ? grads[i] : tf.mul(grads[i], clip);
        this.m[i].assign(tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1)));
        this.v[i].assign(tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2)));
        const decayed = wd ? tf.mul(p, 1 - learningRate * wd) : p;
        const update = tf.div(tf.div(this.m[i], c1), tf.add(tf.sqrt(tf.div(this.v[i], c2)), eps));
        p.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      });
    });
    return norm;
  }

  /** `exp_avg/<name>` and `exp_avg_sq/<name>` arrays, and the step. */
  state(): { step: number; tensors: Map<string, NamedArray> } {
    const tensors = new Map<string, NamedArray>();
    this.names.forEach((name, i) => {
      tensors.set(`exp_avg/${name}`, { shape: this.m[i].shape, data: this.m[i].dataSync() as Float32Array });
      tensors.set(`exp_avg_sq/${name}`, { shape: this.v[i].shape, data: this.v[i].dataSync() as Float32Array });
    });
    return { step: this.step, tensors };
  }

  load(step: number, tensors: TensorMap): void {
    this.names.forEach((name, i) => {
      for (const [prefix, target] of [['exp_avg', this.m[i]], ['exp_avg_sq', this.v[i]]] as const) {
        const t = tensors.get(`${prefix}/${name}`);
        if (!t || t.shape.join(',') !== target.shape.join(',')) throw new OptimizerError(`optimizer state: ${prefix}/${name} is missing or has the wrong shape`, [`${prefix}/${name}`]);
        tf.tidy(() => target.assign(tf.tensor(t.data, [...t.shape])));
      }
    });
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}

export interface Schedule {
  readonly learningRate: number;
  readonly warmupSteps?: number;
  /** 'linear' decays to 0 at totalSteps (Hugging Face's default scheduler); 'constant' keeps the rate after warm-up. */
  readonly kind?: 'linear' | 'constant';
  readonly totalSteps?: number;
}

/** The learning rate for 1-based `step`. */
export function learningRateAt(schedule: Schedule, step: number): number {
  const warm = schedule.warmupSteps ?? 0;
  if (step <= warm) return (schedule.learningRate * step) / Math.max(warm, 1);
  if (schedule.kind !== 'linear' || !schedule.totalSteps) return schedule.learningRate;
  return (schedule.learningRate * Math.max(0, schedule.totalSteps - step)) / Math.max(1, schedule.totalSteps - warm);
}
