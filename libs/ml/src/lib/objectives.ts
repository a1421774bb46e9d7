import type { LlamaModel } from './model';
import { nextTokenLogps } from './ops';
import { tf } from './tf';

/** A preference pair in token ids; the reference log-probs when they were precomputed (`precomputeReferenceLogps`). */
export interface PreferencePair {
  readonly prompt: readonly number[];
  readonly chosen: readonly number[];
  readonly rejected: readonly number[];
  readonly referenceChosenLogps?: number;
  readonly referenceRejectedLogps?: number;
}

/** An SFT example: the loss is on the completion only. */
export interface SftExample {
  readonly prompt: readonly number[];
  readonly completion: readonly number[];
}

export const DPO_LOSS_TYPES = ['sigmoid', 'ipo', 'hinge', 'robust'] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];

export interface DpoObjective {
  readonly kind: 'dpo';
  readonly beta: number;
  readonly lossType: DpoLossType;
  /** TRL's label_smoothing (sigmoid: conservative DPO; robust: rDPO). */
  readonly labelSmoothing?: number;
  /** TRL's rpo_alpha: adds this weight × the token-mean NLL of the chosen completions. */
  readonly sftWeight?: number;
}

export interface SftObjective {
  readonly kind: 'sft';
}

export type Objective = DpoObjective | SftObjective;

export class ObjectiveError extends Error {
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

export function validateObjective(objective: Objective): Objective {
  if (objective.kind === 'sft') return objective;
  if (objective.kind !== 'dpo') throw new ObjectiveError('objective kind must be sft or dpo', ['kind']);
  if (!(objective.beta > 0)) throw new ObjectiveError('beta must be positive', ['beta']);
  if (!DPO_LOSS_TYPES.includes(objective.lossType)) throw new ObjectiveError(`lossType must be one of ${DPO_LOSS_TYPES.join(', ')}`, ['lossType']);
  const ls = objective.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls < 0.5)) throw new ObjectiveError('labelSmoothing must be in [0, 0.5)', ['labelSmoothing']);
  if (ls > 0 && objective.lossType !== 'sigmoid' && objective.lossType !== 'robust') throw new ObjectiveError('labelSmoothing applies to the sigmoid and robust losses', ['labelSmoothing']);
  if (objective.sftWeight !== undefined && !(objective.sftWeight >= 0)) throw new ObjectiveError('sftWeight must be ≥ 0', ['sftWeight']);
  return objective;
}

/** Plain arrays for a batch of prompt + completion sequences, right-padded. */
export interface SequenceBatch {
  readonly rows: number;
  readonly length: number;
  /** [rows × length] token ids. */
  readonly ids: Int32Array;
  /** [rows × (length − 1)]: 1 where position t predicts a completion token (t + 1), else 0 (prompt, padding). */
  readonly mask: Float32Array;
  /** Completion tokens per row. */
  readonly counts: readonly number[];
}

export function sequenceBatch(prompts: readonly (readonly number[])[], completions: readonly (readonly number[])[], pad: number): SequenceBatch {
  const rows = prompts.length;
  const length = Math.max(2, ...prompts.map((p, i) => p.length + completions[i].length));
  const ids = new Int32Array(rows * length).fill(pad);
  const mask = new Float32Array(rows * (length - 1));
  const counts: number[] = [];
  for (let r = 0; r < rows; r++) {
    const p = prompts[r];
    const c = completions[r];
    if (p.length === 0) throw new ObjectiveError('a prompt needs at least one token (a completion token is predicted from the one before it)', ['prompt']);
    ids.set(p, r * length);
    ids.set(c, r * length + p.length);
    for (let t = p.length - 1; t < p.length - 1 + c.length; t++) mask[r * (length - 1) + t] = 1;
    counts.push(c.length);
  }
  return { rows, length, ids, mask, counts };
}

/** Per row: the sum of log p over the completion tokens the mask selects, from logits [rows, T, V] → [rows]. */
export function logpsFromLogits(logits: tf.Tensor3D, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(nextTokenLogps(logits, ids), mask), -1) as tf.Tensor1D;
}

export function batchTensors(batch: SequenceBatch): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  return { ids: tf.tensor2d(batch.ids, [batch.rows, batch.length], 'int32'), mask: tf.tensor2d(batch.mask, [batch.rows, batch.length - 1]) };
}

/** Per row: the sum of log p over completion tokens [rows], and the logits/mask to read metrics from. */
export function completionLogps(model: LlamaModel, batch: SequenceBatch): { sums: tf.Tensor1D; logits: tf.Tensor3D; mask: tf.Tensor2D } {
  const { ids, mask } = batchTensors(batch);
  const logits = model.forward(ids);
  return { sums: logpsFromLogits(logits, ids, mask), logits, mask };
}

/** Mean of the logits (every vocabulary entry) at the positions the mask selects: TRL's logits/chosen and logits/rejected. */
export function maskedLogitMean(logits: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  const [b, t, v] = logits.shape;
  const picked = tf.slice(logits, [0, 0, 0], [b, t - 1, v]);
  return tf.div(tf.sum(tf.mul(tf.sum(picked, -1), mask)), tf.mul(tf.sum(mask), v)) as tf.Scalar;
}

/**
 * TRL's DPO losses per pair, from the policy's and the reference's completion log-probs (sums, or
 * per-token means for ipo: the caller divides), with l = (π_c − π_r) − (ref_c − ref_r):
 *   sigmoid −logσ(βl)(1 − ε) − logσ(−βl)ε · robust (−logσ(βl)(1 − ε) + logσ(−βl)ε) / (1 − 2ε)
 *   hinge relu(1 − βl) · ipo (l − 1/(2β))²
 * and the implicit rewards β(π − ref).
 */
export function dpoLosses(
  policyChosen: tf.Tensor1D,
  policyRejected: tf.Tensor1D,
  referenceChosen: tf.Tensor1D,
  referenceRejected: tf.Tensor1D,
  objective: DpoObjective,
): { losses: tf.Tensor1D; chosenRewards: tf.Tensor1D; rejectedRewards: tf.Tensor1D } {
  const { beta, lossType } = objective;
  const ls = objective.labelSmoothing ?? 0;
  const l = tf.sub(tf.sub(policyChosen, policyRejected), tf.sub(referenceChosen, referenceRejected));
  const bl = tf.mul(l, beta);
  // tfjs' logSigmoid gradient reads its input after it is freed inside a larger graph: spelled out.
  const logSigmoid = (x: tf.Tensor) => tf.sub(tf.minimum(x, 0), tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(x))))));
  let losses: tf.Tensor;
  if (lossType === 'sigmoid') losses = tf.sub(tf.mul(tf.neg(logSigmoid(bl)), 1 - ls), tf.mul(logSigmoid(tf.neg(bl)), ls));
  else if (lossType === 'robust') losses = tf.div(tf.add(tf.mul(tf.neg(logSigmoid(bl)), 1 - ls), tf.mul(logSigmoid(tf.neg(bl)), ls)), 1 - 2 * ls);
  else if (lossType === 'hinge') losses = tf.relu(tf.sub(1, bl));
  else losses = tf.square(tf.sub(l, 1 / (2 * beta)));
  return {
    losses: losses as tf.Tensor1D,
    chosenRewards: tf.mul(tf.sub(policyChosen, referenceChosen), beta) as tf.Tensor1D,
    rejectedRewards: tf.mul(tf.sub(policyRejected, referenceRejected), beta) as tf.Tensor1D,
  };
}

/** TRL's metric names, exactly. */
export const DPO_METRICS = ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected', 'logits/chosen', 'logits/rejected'] as const;

export type Metrics = Record<string, number>;

/** A scalar loss plus the scalars a step reports, all as tensors (read after the gradient step). */
export interface ObjectiveValue {
  readonly loss: tf.Scalar;
  readonly metrics: Record<string, tf.Scalar>;
}

/** The reference log-probs of each pair (sums): precomputed in the pair, else from `reference`. */
export function referenceLogps(pairs: readonly PreferencePair[], pad: number, reference: (() => LlamaModel) | null): { chosen: number[]; rejected: number[] } {
  const chosen = pairs.flatMap((p) => (p.referenceChosenLogps === undefined ? [] : [p.referenceChosenLogps]));
  const rejected = pairs.flatMap((p) => (p.referenceRejectedLogps === undefined ? [] : [p.referenceRejectedLogps]));
  if (chosen.length === pairs.length && rejected.length === pairs.length) return { chosen, rejected };
  if (!reference) throw new ObjectiveError('DPO needs a reference model or precomputed reference log-probs', ['reference']);
  const model = reference();
  const batch = preferenceBatch(pairs, pad);
  const sums = tf.tidy(() => completionLogps(model, batch).sums);
  const values = [...sums.dataSync()];
  sums.dispose();
  return { chosen: values.slice(0, pairs.length), rejected: values.slice(pairs.length) };
}

/**
 * The DPO loss from completion log-prob sums: `policy` and `reference` hold the chosen rows then the
 * rejected rows ([2n]), `counts` their completion lengths. ipo divides both by the counts (TRL's
 * per-token average); `sftWeight` adds that weight × the token-mean NLL of the chosen completions.
 */
export function dpoFromLogps(policy: tf.Tensor1D, reference: readonly number[], counts: readonly number[], objective: DpoObjective) {
  const n = counts.length / 2;
  let pol: tf.Tensor1D = policy;
  let ref: tf.Tensor1D = tf.tensor1d([...reference]);
  if (objective.lossType === 'ipo') {
    const c = tf.tensor1d(counts.map((x) => Math.max(x, 1)));
    pol = tf.div(pol, c);
    ref = tf.div(ref, c);
  }
  const [pc, pr] = tf.split(pol, [n, n]) as [tf.Tensor1D, tf.Tensor1D];
  const [rc, rr] = tf.split(ref, [n, n]) as [tf.Tensor1D, tf.Tensor1D];
  const { losses, chosenRewards, rejectedRewards } = dpoLosses(pc, pr, rc, rr, objective);
  let loss = tf.mean(losses) as tf.Scalar;
  if (objective.sftWeight) {
    const chosenTokens = counts.slice(0, n).reduce((a, b) => a + b, 0);
    const nll = tf.div(tf.neg(tf.sum(tf.slice(policy, [0], [n]))), Math.max(chosenTokens, 1));
    loss = tf.add(loss, tf.mul(nll, objective.sftWeight)) as tf.Scalar;
  }
  return { loss, chosenRewards, rejectedRewards, policyChosen: pc, policyRejected: pr };
}

/** The concatenated batch of a DPO step: the n chosen rows, then the n rejected rows (one forward, as TRL's concatenated_forward). */
export const preferenceBatch = (pairs: readonly PreferencePair[], pad: number): SequenceBatch =>
  sequenceBatch([...pairs.map((p) => p.prompt), ...pairs.map((p) => p.prompt)], [...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)], pad);

/** The DPO objective on one batch: the mean loss over pairs and TRL's metrics. Call inside a tidy/grad scope. */
export function dpoObjective(model: LlamaModel, pairs: readonly PreferencePair[], reference: { chosen: number[]; rejected: number[] }, pad: number, objective: DpoObjective): ObjectiveValue {
  const n = pairs.length;
  const batch = preferenceBatch(pairs, pad);
  const { sums, logits, mask } = completionLogps(model, batch);
  const { loss, chosenRewards, rejectedRewards, policyChosen, policyRejected } = dpoFromLogps(sums, [...reference.chosen, ...reference.rejected], batch.counts, objective);
  const [logitsC, logitsR] = tf.split(logits, [n, n], 0) as [tf.Tensor3D, tf.Tensor3D];
  const [maskC, maskR] = tf.split(mask, [n, n], 0) as [tf.Tensor2D, tf.Tensor2D];
  return {
    loss,
    metrics: {
      loss,
      'rewards/chosen': tf.mean(chosenRewards) as tf.Scalar,
      'rewards/rejected': tf.mean(rejectedRewards) as tf.Scalar,
      'rewards/accuracies': tf.mean(tf.cast(tf.greater(chosenRewards, rejectedRewards), 'float32')) as tf.Scalar,
      'rewards/margins': tf.mean(tf.sub(chosenRewards, rejectedRewards)) as tf.Scalar,
      'logps/chosen': tf.mean(policyChosen) as tf.Scalar,
      'logps/rejected': tf.mean(policyRejected) as tf.Scalar,
      'logits/chosen': maskedLogitMean(logitsC, maskC),
      'logits/rejected': maskedLogitMean(logitsR, maskR),
    },
  };
}

/** SFT: the token-mean next-token loss over the completions (prompt tokens masked). */
export function sftObjective(model: LlamaModel, examples: readonly SftExample[], pad: number): ObjectiveValue {
  const batch = sequenceBatch(
    examples.map((e) => e.prompt),
    examples.map((e) => e.completion),
    pad,
  );
  const { sums } = completionLogps(model, batch);
  const tokens = batch.counts.reduce((a, b) => a + b, 0);
  const loss = tf.div(tf.neg(tf.sum(sums)), Math.max(tokens, 1)) as tf.Scalar;
  return { loss, metrics: { loss } };
}

/** Fills each pair's reference log-probs once (TRL's precompute_ref_log_probs): the reference model can then be dropped. */
export function precomputeReferenceLogps(reference: LlamaModel, pairs: readonly PreferencePair[], pad: number, batchSize = 8): PreferencePair[] {
  const out: PreferencePair[] = [];
  for (let i = 0; i < pairs.length; i += batchSize) {
    const slice = pairs.slice(i, i + batchSize).map((p) => ({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected }));
    const { chosen, rejected } = referenceLogps(slice, pad, () => reference);
    slice.forEach((p, j) => out.push({ ...p, referenceChosenLogps: chosen[j], referenceRejectedLogps: rejected[j] }));
  }
  return out;
}
