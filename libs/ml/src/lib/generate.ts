import { KvCache, type LlamaModel } from './model';
import { Rng } from './rng';
import { tf } from './tf';

export interface GenerateOptions {
  readonly maxTokens: number;
  /** 0: greedy (argmax). */
  readonly temperature?: number;
  /** Keep the k most likely tokens (0 or absent: all). */
  readonly topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or absent: all). */
  readonly topP?: number;
  /** Token ids that end the generation (not included in the output), e.g. the end-of-sequence id. */
  readonly stopTokens?: readonly number[];
  /** Strings that end the generation (the output is cut before them); needs `decode`. */
  readonly stop?: readonly string[];
  readonly decode?: (ids: readonly number[]) => string;
  /** Sampling seed (temperature > 0). */
  readonly seed?: number;
  /** false: recompute the whole sequence every token (the benchmark's baseline). */
  readonly useCache?: boolean;
}

export type FinishReason = 'stop' | 'length';

export interface GeneratedToken {
  readonly id: number;
}

export class GenerationError extends Error {
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

export function validateGenerateOptions(options: GenerateOptions): void {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens <= 0) throw new GenerationError('maxTokens must be a positive integer', ['maxTokens']);
  if (options.temperature !== undefined && !(options.temperature >= 0)) throw new GenerationError('temperature must be ≥ 0', ['temperature']);
  if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK >= 0)) throw new GenerationError('topK must be an integer ≥ 0', ['topK']);
  if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1)) throw new GenerationError('topP must be in (0, 1]', ['topP']);
  if (options.stop?.length && !options.decode) throw new GenerationError('stop strings need a decode function', ['stop']);
}

/** The next token from one row of logits: greedy, or temperature / top-k / top-p sampling with `rng`. */
export function sampleToken(logits: Float32Array, options: GenerateOptions, rng: Rng): number {
  const temperature = options.temperature ?? 0;
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  if (options.topK) order = order.slice(0, options.topK);
  const max = logits[order[0]];
  let probs = order.map((i) => Math.exp((logits[i] - max) / temperature));
  let total = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / total);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < probs.length && cumulative < options.topP) cumulative += probs[keep++];
    order = order.slice(0, keep);
    probs = probs.slice(0, keep);
    total = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / total);
  }
  let u = rng.next();
  for (let i = 0; i < order.length; i++) {
    u -= probs[i];
    if (u < 0) return order[i];
  }
  return order[order.length - 1];
}

/**
 * Streams generated token ids one at a time (for a provider that streams). With the KV cache (the
 * default) each step feeds one token; without, the whole sequence again. The cache is disposed at
 * the end, early return included.
 */
export function* generateTokens(model: LlamaModel, prompt: readonly number[], options: GenerateOptions): Generator<GeneratedToken, FinishReason> {
  validateGenerateOptions(options);
  if (prompt.length === 0) throw new GenerationError('the prompt needs at least one token', ['prompt']);
  const rng = new Rng(options.seed ?? 0);
  const useCache = options.useCache ?? true;
  const cache = useCache ? new KvCache(model.config.numLayers) : null;
  const sequence = [...prompt];
  const produced: number[] = [];
  try {
    let feed = [...prompt];
    for (let n = 0; n < options.maxTokens; n++) {
      if (sequence.length >= model.config.maxPositions) return 'length';
      const row = tf.tidy(() => {
        const logits = model.forward(tf.tensor2d([useCache ? feed : sequence], undefined, 'int32'), cache ?? undefined);
        const [, t, v] = logits.shape;
        return tf.reshape(tf.slice(logits, [0, t - 1, 0], [1, 1, v]), [v]);
      });
      const values = row.dataSync() as Float32Array;
      row.dispose();
      const id = sampleToken(values, options, rng);
      if (options.stopTokens?.includes(id)) return 'stop';
      sequence.push(id);
      produced.push(id);
      feed = [id];
      yield { id };
      if (options.stop?.length && options.decode) {
        const text = options.decode(produced);
        if (options.stop.some((s) => text.includes(s))) return 'stop';
      }
    }
    return 'length';
  } finally {
    cache?.dispose();
  }
}

/** The whole completion: ids (cut before a stop string when there is one), its text with `decode`, why it ended. */
export function generate(model: LlamaModel, prompt: readonly number[], options: GenerateOptions): { ids: number[]; text?: string; finishReason: FinishReason } {
  const ids: number[] = [];
  const it = generateTokens(model, prompt, options);
  let step = it.next();
  while (!step.done) {
    ids.push(step.value.id);
    step = it.next();
  }
  const finishReason = step.value;
  if (!options.decode) return { ids, finishReason };
  let text = options.decode(ids);
  for (const s of options.stop ?? []) {
    const at = text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  return { ids, text, finishReason };
}
