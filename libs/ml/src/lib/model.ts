import { embed, linear, linearFrozen, matmul, rmsNorm, silu, transposeLast } from './ops';
import { Rng } from './rng';
import type { NamedArray, TensorMap } from './safetensors';
import { tf } from './tf';

/** A Llama-style decoder's shape (Hugging Face `LlamaConfig` fields in camelCase: see `configFromHf`). */
export interface LlamaConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** < numHeads: grouped-query attention (each key/value head serves numHeads / numKvHeads query heads). */
  readonly numKvHeads: number;
  readonly maxPositions: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly tieEmbeddings: boolean;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
}

export class ModelConfigError extends Error {
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

export function validateConfig(config: LlamaConfig): LlamaConfig {
  const positive: (keyof LlamaConfig)[] = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'maxPositions'];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ModelConfigError(`${key} must be a positive integer`, [key]);
  }
  if (config.hiddenSize % config.numHeads !== 0) throw new ModelConfigError('hiddenSize must be a multiple of numHeads', ['hiddenSize', 'numHeads']);
  if ((config.hiddenSize / config.numHeads) % 2 !== 0) throw new ModelConfigError('the head size (hiddenSize / numHeads) must be even (rotary halves)', ['hiddenSize', 'numHeads']);
  if (config.numHeads % config.numKvHeads !== 0) throw new ModelConfigError('numHeads must be a multiple of numKvHeads', ['numHeads', 'numKvHeads']);
  if (!(config.rmsNormEps > 0)) throw new ModelConfigError('rmsNormEps must be positive', ['rmsNormEps']);
  if (!(config.ropeTheta > 0)) throw new ModelConfigError('ropeTheta must be positive', ['ropeTheta']);
  return config;
}

/** Hugging Face `config.json` (model_type llama, or a Llama-architecture model such as SmolLM) → LlamaConfig. */
export function configFromHf(json: Record<string, unknown>): LlamaConfig {
  const num = (key: string, fallback?: number): number => {
    const value = json[key] ?? fallback;
    if (typeof value !== 'number') throw new ModelConfigError(`config.json: ${key} must be a number`, [key]);
    return value;
  };
  const act = json['hidden_act'] ?? 'silu';
  if (act !== 'silu') throw new ModelConfigError(`config.json: hidden_act ${String(act)} is not supported (silu)`, ['hidden_act']);
  if (json['rope_scaling'] != null) throw new ModelConfigError('config.json: rope_scaling is not supported', ['rope_scaling']);
  const optionalId = (key: string): number | undefined => (typeof json[key] === 'number' ? (json[key] as number) : undefined);
  return validateConfig({
    vocabSize: num('vocab_size'),
    hiddenSize: num('hidden_size'),
    intermediateSize: num('intermediate_size'),
    numLayers: num('num_hidden_layers'),
    numHeads: num('num_attention_heads'),
    numKvHeads: num('num_key_value_heads', num('num_attention_heads')),
    maxPositions: num('max_position_embeddings', 2048),
    rmsNormEps: num('rms_norm_eps', 1e-6),
    ropeTheta: num('rope_theta', 10000),
    tieEmbeddings: json['tie_word_embeddings'] === true,
    bosTokenId: optionalId('bos_token_id'),
    eosTokenId: optionalId('eos_token_id'),
  });
}

export function configToHf(config: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    max_position_embeddings: config.maxPositions,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieEmbeddings,
    hidden_act: 'silu',
    torch_dtype: 'float32',
    bos_token_id: config.bosTokenId ?? null,
    eos_token_id: config.eosTokenId ?? null,
  };
}

/** The projections a LoRA adapter can target (Hugging Face / PEFT module names). */
export const PROJECTIONS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type Projection = (typeof PROJECTIONS)[number];

const projectionPath = (p: Projection): string => (['gate_proj', 'up_proj', 'down_proj'].includes(p) ? `mlp.${p}` : `self_attn.${p}`);

/** Every weight's Hugging Face name and shape ([out, in] for linear layers, as nn.Linear stores them). */
export function weightShapes(config: LlamaConfig): Map<string, number[]> {
  const d = config.hiddenSize;
  const kv = config.numKvHeads * (d / config.numHeads);
  const f = config.intermediateSize;
  const out = new Map<string, number[]>([['model.embed_tokens.weight', [config.vocabSize, d]]]);
  const dims: Record<Projection, [number, number]> = { q_proj: [d, d], k_proj: [kv, d], v_proj: [kv, d], o_proj: [d, d], gate_proj: [f, d], up_proj: [f, d], down_proj: [d, f] };
  for (let i = 0; i < config.numLayers; i++) {
    out.set(`model.layers.${i}.input_layernorm.weight`, [d]);
    for (const p of PROJECTIONS) out.set(`model.layers.${i}.${projectionPath(p)}.weight`, dims[p]);
    out.set(`model.layers.${i}.post_attention_layernorm.weight`, [d]);
  }
  out.set('model.norm.weight', [d]);
  if (!config.tieEmbeddings) out.set('lm_head.weight', [config.vocabSize, d]);
  return out;
}

const isLinear = (name: string): boolean => name.endsWith('_proj.weight') || name === 'lm_head.weight';

export interface LoraOptions {
  readonly rank: number;
  readonly alpha: number;
  readonly targets: readonly Projection[];
}

interface Adapter {
  /** [in, rank] (PEFT lora_A.weight is [rank, in]). */
  readonly a: tf.Variable;
  /** [rank, out] (PEFT lora_B.weight is [out, rank]). */
  readonly b: tf.Variable;
}

/** Keys and values of the positions seen so far, per layer (after rotary, before repeat_kv): [B, kvHeads, S, headDim]. */
export class KvCache {
  readonly keys: (tf.Tensor | null)[];
  readonly values: (tf.Tensor | null)[];
  length = 0;

  constructor(layers: number) {
    this.keys = Array.from({ length: layers }, () => null);
    this.values = Array.from({ length: layers }, () => null);
  }

  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t?.dispose();
    this.keys.fill(null);
    this.values.fill(null);
    this.length = 0;
  }
}

/**
 * A trainable variable holding `initial`'s values; `initial` itself is released (tf.variable keeps
 * its argument alive: a model built from zeros then assigned held every weight twice — 540 MB more
 * for a 135M model).
 */
function variableOf(initial: tf.Tensor, name: string): tf.Variable {
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/**
 * A Llama decoder in TensorFlow.js. Weights are variables named as in Hugging Face's checkpoints;
 * linear weights are kept transposed ([in, out]) so that the forward multiplies without transposing.
 * Optional LoRA adapters add (alpha / rank) · x·A·B to the targeted projections over frozen weights.
 */
export class LlamaModel {
  readonly weights = new Map<string, tf.Variable>();
  private readonly adapters = new Map<string, Adapter>();
  private lora: LoraOptions | null = null;
  /** Off: the base model alone (the frozen reference of a LoRA run, without a second copy of the weights). */
  adaptersEnabled = true;
  private readonly cos: tf.Tensor2D;
  private readonly sin: tf.Tensor2D;

  private constructor(readonly config: LlamaConfig) {
    validateConfig(config);
    const half = config.hiddenSize / config.numHeads / 2;
    const cos = new Float32Array(config.maxPositions * half * 2);
    const sin = new Float32Array(config.maxPositions * half * 2);
    for (let pos = 0; pos < config.maxPositions; pos++) {
      for (let i = 0; i < half; i++) {
        const angle = pos / config.ropeTheta ** ((2 * i) / (2 * half));
        for (const j of [i, i + half]) {
          cos[pos * 2 * half + j] = Math.cos(angle);
          sin[pos * 2 * half + j] = Math.sin(angle);
        }
      }
    }
    this.cos = tf.tensor2d(cos, [config.maxPositions, 2 * half]);
    this.sin = tf.tensor2d(sin, [config.maxPositions, 2 * half]);
  }

  /** Random weights (normal, std 0.02 like Hugging Face's initializer_range; norms at 1), seeded. */
  static random(config: LlamaConfig, seed: number, std = 0.02): LlamaModel {
    const rng = new Rng(seed);
    const tensors = new Map<string, NamedArray>();
    for (const [name, shape] of weightShapes(config)) {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      if (name.endsWith('norm.weight')) data.fill(1);
      else for (let i = 0; i < count; i++) data[i] = rng.normal() * std;
      tensors.set(name, { shape, data });
    }
    return LlamaModel.fromTensors(config, tensors);
  }

  /** From Hugging Face-named weights ([out, in] linear layers); a tied model's lm_head is ignored. */
  static fromTensors(config: LlamaConfig, tensors: TensorMap): LlamaModel {
    const model = new LlamaModel(config);
    for (const [name, shape] of weightShapes(config)) {
      const stored = isLinear(name) ? [shape[1], shape[0]] : shape;
      model.weights.set(name, variableOf(tf.zeros(stored), `${name.replace(/[^A-Za-z0-9_]/g, '_')}_${model.uid}`));
    }
    model.assignTensors(tensors);
    return model;
  }

  /** Overwrites every weight from Hugging Face-named arrays (a checkpoint, an import). */
  assignTensors(tensors: TensorMap): void {
    this.dropFrozenHead();
    for (const [name, shape] of weightShapes(this.config)) {
      const t = tensors.get(name);
      if (!t) throw new ModelConfigError(`weights: ${name} is missing`, [name]);
      if (t.shape.join(',') !== shape.join(',')) throw new ModelConfigError(`weights: ${name} has shape [${t.shape.join(', ')}], the config says [${shape.join(', ')}]`, [name]);
      const v = this.weight(name);
      tf.tidy(() => {
        const value = tf.tensor(t.data, [...t.shape]);
        v.assign(isLinear(name) ? tf.transpose(value) : value);
      });
    }
  }

  private static instances = 0;
  /** tfjs variable names are global: each model's are suffixed with its own number. */
  private readonly uid = String(LlamaModel.instances++);

  /** Hugging Face-named weights ([out, in]) with LoRA merged in when `merged`; for safetensors. */
  toTensors(options: { merged?: boolean } = {}): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const [name, v] of this.weights) {
      const data = tf.tidy(() => {
        let w: tf.Tensor = v;
        const adapter = options.merged ? this.adapters.get(name) : undefined;
        if (adapter) w = tf.add(w, tf.mul(matmul(adapter.a, adapter.b), this.loraScale()));
        return isLinear(name) ? tf.transpose(w) : tf.clone(w);
      });
      out.set(name, { shape: data.shape, data: data.dataSync() as Float32Array });
      data.dispose();
    }
    return out;
  }

  /** A frozen copy (its own variables): the reference policy of a full fine-tune. */
  clone(): LlamaModel {
    return LlamaModel.fromTensors(this.config, this.toTensors({ merged: true }));
  }

  // ------------------------------------------------------------------ LoRA

  /** Adds zero-initialised adapters (B = 0, A ~ Kaiming-uniform as PEFT), seeded; the model's output is unchanged until trained. */
  addLora(options: LoraOptions, seed: number): void {
    if (this.lora) throw new Error('the model already has LoRA adapters');
    if (!Number.isInteger(options.rank) || options.rank <= 0) throw new ModelConfigError('lora rank must be a positive integer', ['rank']);
    if (!(options.alpha > 0)) throw new ModelConfigError('lora alpha must be positive', ['alpha']);
    if (options.targets.length === 0 || options.targets.some((t) => !PROJECTIONS.includes(t))) throw new ModelConfigError(`lora targets must be among ${PROJECTIONS.join(', ')}`, ['targets']);
    this.lora = options;
    const rng = new Rng(seed);
    for (const [name, w] of this.weights) {
      const target = options.targets.find((t) => name.endsWith(`.${t}.weight`));
      if (!target) continue;
      const [inputs, outputs] = w.shape;
      const bound = 1 / Math.sqrt(inputs);
      const a = new Float32Array(inputs * options.rank).map(() => (rng.next() * 2 - 1) * bound);
      this.adapters.set(name, {
        a: variableOf(tf.tensor2d(a, [inputs, options.rank]), `lora_a_${this.uid}_${this.adapters.size}`),
        b: variableOf(tf.zeros([options.rank, outputs]), `lora_b_${this.uid}_${this.adapters.size}`),
      });
    }
  }

  get loraOptions(): LoraOptions | null {
    return this.lora;
  }

  private loraScale(): number {
    return this.lora ? this.lora.alpha / this.lora.rank : 0;
  }

  /** The adapters in PEFT's layout: `base_model.model.<name>.lora_A.weight` [rank, in], `lora_B.weight` [out, rank]. */
  adapterTensors(): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const [name, { a, b }] of this.adapters) {
      const base = `base_model.model.${name.slice(0, -'.weight'.length)}`;
      for (const [suffix, v] of [['lora_A.weight', a], ['lora_B.weight', b]] as const) {
        const t = tf.tidy(() => tf.transpose(v));
        out.set(`${base}.${suffix}`, { shape: t.shape, data: t.dataSync() as Float32Array });
        t.dispose();
      }
    }
    return out;
  }

  /** Loads adapter weights written by `adapterTensors` (after `addLora` with the same options). */
  loadAdapterTensors(tensors: TensorMap): void {
    for (const [name, { a, b }] of this.adapters) {
      const base = `base_model.model.${name.slice(0, -'.weight'.length)}`;
      for (const [suffix, v] of [['lora_A.weight', a], ['lora_B.weight', b]] as const) {
        const t = tensors.get(`${base}.${suffix}`);
        if (!t || t.shape.join(',') !== [v.shape[1], v.shape[0]].join(',')) throw new ModelConfigError(`adapter: ${base}.${suffix} is missing or has the wrong shape`, [`${base}.${suffix}`]);
        tf.tidy(() => v.assign(tf.transpose(tf.tensor(t.data, [...t.shape]))));
      }
    }
  }

  /** Folds the adapters into the weights (W += scale · A·B) and removes them. */
  mergeLora(): void {
    this.dropFrozenHead();
    for (const [name, { a, b }] of this.adapters) {
      const w = this.weight(name);
      tf.tidy(() => w.assign(tf.add(w, tf.mul(matmul(a, b), this.loraScale()))));
      a.dispose();
      b.dispose();
    }
    this.adapters.clear();
    this.lora = null;
  }

  /** What training updates: the adapters when there are any (weights frozen), else every weight. */
  trainableVariables(): tf.Variable[] {
    if (this.adapters.size > 0) return [...this.adapters.values()].flatMap(({ a, b }) => [a, b]);
    return [...this.weights.values()];
  }

  /** Names for the trainable variables, stable across runs (checkpoint keys). */
  trainableNames(): string[] {
    if (this.adapters.size > 0) return [...this.adapters.keys()].flatMap((n) => [`${n}.lora_A`, `${n}.lora_B`]);
    return [...this.weights.keys()];
  }

  parameterCount(): number {
    return [...this.weights.values()].reduce((sum, v) => sum + v.size, 0);
  }

  dispose(): void {
    this.dropFrozenHead();
    for (const v of this.weights.values()) v.dispose();
    for (const { a, b } of this.adapters.values()) {
      a.dispose();
      b.dispose();
    }
    this.weights.clear();
    this.adapters.clear();
    this.cos.dispose();
    this.sin.dispose();
  }

  // ------------------------------------------------------------------ forward

  private weight(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new Error(`the model has no weight ${name}`);
    return v;
  }

  /** Under LoRA the base weights are constants: their products skip the weight gradient. */
  private get frozen(): boolean {
    return this.adapters.size > 0;
  }

  /** x · w, skipping w's gradient when the base is frozen. */
  private times(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return this.frozen ? linearFrozen(x, w) : linear(x, w);
  }

  private proj(x: tf.Tensor, name: string): tf.Tensor {
    const y = this.times(x, this.weight(name));
    const adapter = this.adaptersEnabled ? this.adapters.get(name) : undefined;
    if (!adapter) return y;
    return tf.add(y, tf.mul(linear(linear(x, adapter.a), adapter.b), this.loraScale()));
  }

  /** q' = q·cos + rotate_half(q)·sin, rotate_half(x) = [-x₂, x₁] on the halves of the head dimension. */
  private rotary(x: tf.Tensor, offset: number): tf.Tensor {
    const [, , t, hd] = x.shape;
    const cos = tf.slice(this.cos, [offset, 0], [t, hd]);
    const sin = tf.slice(this.sin, [offset, 0], [t, hd]);
    const half = hd / 2;
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
    const x2 = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
  }

  private heads(x: tf.Tensor, b: number, t: number, n: number): tf.Tensor {
    return tf.transpose(tf.reshape(x, [b, t, n, -1]), [0, 2, 1, 3]);
  }

  /** Decoder layer `l` on x [B, T, d]: attention then the SwiGLU MLP, each with its residual. */
  private block(x: tf.Tensor, l: number, mask: tf.Tensor2D, offset: number, cache?: KvCache): tf.Tensor {
    const c = this.config;
    const [b, t] = x.shape as [number, number, number];
    const s = offset + t;
    const hd = c.hiddenSize / c.numHeads;
    const rep = c.numHeads / c.numKvHeads;
    const p = `model.layers.${l}.`;
    const h = rmsNorm(x, this.weight(p + 'input_layernorm.weight'), c.rmsNormEps);
    const q = this.rotary(this.heads(this.proj(h, p + 'self_attn.q_proj.weight'), b, t, c.numHeads), offset);
    let k = this.rotary(this.heads(this.proj(h, p + 'self_attn.k_proj.weight'), b, t, c.numKvHeads), offset);
    let v = this.heads(this.proj(h, p + 'self_attn.v_proj.weight'), b, t, c.numKvHeads);
    if (cache) {
      const pastK = cache.keys[l];
      const pastV = cache.values[l];
      if (pastK && pastV) {
        k = tf.concat([pastK, k], 2);
        v = tf.concat([pastV, v], 2);
      }
      pastK?.dispose();
      pastV?.dispose();
      cache.keys[l] = tf.keep(k);
      cache.values[l] = tf.keep(v);
    }
    if (rep > 1) {
      // repeat_kv: each key/value head serves `rep` query heads (rank-4 tile: tfjs has no rank-5 tile gradient).
      k = tf.reshape(tf.tile(tf.reshape(k, [b, c.numKvHeads, 1, s * hd]), [1, 1, rep, 1]), [b, c.numHeads, s, hd]);
      v = tf.reshape(tf.tile(tf.reshape(v, [b, c.numKvHeads, 1, s * hd]), [1, 1, rep, 1]), [b, c.numHeads, s, hd]);
    }
    const scores = tf.add(tf.div(matmul(q, transposeLast(k)), Math.sqrt(hd)), mask);
    const att = matmul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [b, t, c.hiddenSize]);
    x = tf.add(x, this.proj(merged, p + 'self_attn.o_proj.weight'));
    const h2 = rmsNorm(x, this.weight(p + 'post_attention_layernorm.weight'), c.rmsNormEps);
    const gate = this.proj(h2, p + 'mlp.gate_proj.weight');
    const up = this.proj(h2, p + 'mlp.up_proj.weight');
    return tf.add(x, this.proj(tf.mul(silu(gate), up), p + 'mlp.down_proj.weight'));
  }

  /** The transposed embedding table of a frozen tied model, made once (113 MB for a 49,152 × 576 table). */
  private frozenHead: tf.Tensor | null = null;

  private dropFrozenHead(): void {
    this.frozenHead?.dispose();
    this.frozenHead = null;
  }

  /** x [..., d] → logits [..., vocab]: lm_head, or the embedding table transposed when tied. */
  private head(x: tf.Tensor): tf.Tensor {
    if (!this.config.tieEmbeddings) return this.times(x, this.weight('lm_head.weight'));
    const table = this.weight('model.embed_tokens.weight');
    if (!this.frozen) return linear(x, tf.transpose(table));
    this.frozenHead ??= tf.keep(tf.transpose(table));
    return linearFrozen(x, this.frozenHead, table);
  }

  /**
   * ids [B, T] (int32) → logits [B, T, vocab]. Causal; right padding needs no mask. With a cache, the
   * ids continue the cached positions and the cache is extended (its tensors are kept out of tidy).
   */
  forward(ids: tf.Tensor2D, cache?: KvCache): tf.Tensor3D {
    const c = this.config;
    const t = ids.shape[1];
    const offset = cache?.length ?? 0;
    if (offset + t > c.maxPositions) throw new ModelConfigError(`sequence of ${offset + t} tokens is longer than the model's ${c.maxPositions} positions`, ['maxPositions']);
    const logits = tf.tidy(() => {
      let x = embed(this.weight('model.embed_tokens.weight'), ids, !this.frozen);
      const s = offset + t;
      // Query i (at position offset + i) sees keys 0..offset + i.
      const maskData = new Float32Array(t * s);
      for (let i = 0; i < t; i++) for (let j = offset + i + 1; j < s; j++) maskData[i * s + j] = -1e9;
      const mask = tf.tensor2d(maskData, [t, s]);
      for (let l = 0; l < c.numLayers; l++) {
        // One tidy per layer: what the layer made and nobody keeps (no gradient saved it, it is not the
        // output) is freed before the next layer, so a forward without gradients holds one layer's
        // activations, not all of them (30 layers of a 135M model overflowed wasm's 4 GB).
        const input = x;
        x = tf.tidy(() => this.block(input, l, mask, offset, cache));
      }
      x = rmsNorm(x, this.weight('model.norm.weight'), c.rmsNormEps);
      return this.head(x) as tf.Tensor3D;
    });
    if (cache) cache.length = offset + t;
    return logits;
  }
}
