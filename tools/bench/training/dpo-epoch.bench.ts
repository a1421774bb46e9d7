import { initBackend, LlamaModel, precomputeReferenceLogps, Rng, tf, Trainer, type BackendName, type LlamaConfig, type PreferencePair } from '@camel/ml';
import { performance } from 'node:perf_hooks';
import { forwardFlops, timeMatmuls } from './model-flops';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, type BenchContext } from '../harness';

/**
 * One DPO epoch on a ~135M-parameter Llama-shaped model with random weights (the shape of SmolLM-135M:
 * d576, 30 layers, 9 query / 3 key-value heads, SwiGLU 1536, vocabulary 49,152, tied embeddings) —
 * what a user's own small open-weights model costs to fine-tune on a CPU here.
 *
 * Per method (LoRA r16 on q/k/v/o, and a full fine-tune): the reference log-probs are precomputed once
 * (TRL's precompute_ref_log_probs: the initial policy is the reference, no second copy), then one
 * epoch of sigmoid-DPO steps. Printed: the precompute's and the epoch's seconds, pairs/s, training
 * tokens/s and the FLOP rate reached, as a share of the same backend's raw matmul rate measured in
 * the same run (the reference; per trained sequence 3 × the forward's FLOPs for a full fine-tune, 2 ×
 * for LoRA, whose frozen weights get no gradient).
 * Options: --backend=wasm|cpu|tensorflow (default: the best that loads), --pairs=N, --batch=N,
 * --micro-batch=N (pairs per forward/backward; gradients accumulate to the batch), --length=T.
 */

const SMOL_135M: LlamaConfig = {
  vocabSize: 49152,
  hiddenSize: 576,
  intermediateSize: 1536,
  numLayers: 30,
  numHeads: 9,
  numKvHeads: 3,
  maxPositions: 2048,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieEmbeddings: true,
};

/** The smoke scale: the same code path on a model small enough for the test tier. */
const TINY: LlamaConfig = { ...SMOL_135M, vocabSize: 512, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 128 };

interface Sizes {
  readonly model: LlamaConfig;
  readonly pairs: number;
  readonly batch: number;
  /** Pairs per forward/backward (gradient accumulation up to `batch`): a 135M model's step fits one on wasm. */
  readonly microBatch: number;
  /** Prompt tokens; chosen and rejected have the same number each. */
  readonly length: number;
  readonly methods: readonly Method[];
}

type Method = 'lora' | 'full';

/** The reference matmul's side. */
const referenceSize = (flags: ReturnType<typeof parseFlags>): number => byScale(flags, { full: 512, quick: 512, smoke: 128 });

/** The reference: the backend's n×n float32 matmul rate (FLOP/s), over `runs` products after one warm-up. */
function matmulRate(n: number, runs: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  timeMatmuls(a, b, 1);
  const seconds = timeMatmuls(a, b, runs);
  tf.dispose([a, b]);
  return (runs * 2 * n ** 3) / seconds;
}

function randomPairs(sizes: Sizes, seed: number): PreferencePair[] {
  const rng = new Rng(seed);
  const ids = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(rng.next() * (sizes.model.vocabSize - 1)));
  return Array.from({ length: sizes.pairs }, () => ({ prompt: ids(sizes.length), chosen: ids(sizes.length), rejected: ids(sizes.length) }));
}

interface Row {
  readonly method: Method;
  /** Set when the method could not run (e.g. wasm's 4 GB heap is too small for it). */
  readonly error?: string;
  readonly trainable: number;
  readonly precomputeSeconds: number;
  readonly epochSeconds: number;
  readonly steps: number;
  readonly tokensPerSecond: number;
  readonly gflops: number;
  readonly share: number;
  readonly loss: [number, number];
}

/** One method's precompute and epoch on a fresh random model. */
function epoch(method: Method, sizes: Sizes, flags: ReturnType<typeof parseFlags>, backend: string, flopsPerSequence: number): { row: Row; reference: number; failed: boolean } {
  log(`${backend}: building a random ${sizes.model.hiddenSize}-wide, ${sizes.model.numLayers}-layer model (${method})`);
  const model = LlamaModel.random(sizes.model, 7);
  if (method === 'lora') model.addLora({ rank: 16, alpha: 32, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] }, 7);
  const trainable = model.trainableVariables().reduce((sum, v) => sum + v.size, 0);
  log(`${backend}: ${formatInt(model.parameterCount())} parameters, ${formatInt(trainable)} trained; precomputing the reference log-probs of ${sizes.pairs} pairs`);
  let started = performance.now();
  const pairs = precomputeReferenceLogps(model, randomPairs(sizes, 11), 0, sizes.microBatch);
  const precomputeSeconds = (performance.now() - started) / 1000;
  const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, optimizer: { learningRate: method === 'lora' ? 1e-4 : 1e-5 }, pad: 0, microBatch: sizes.microBatch });
  // The reference rate, measured beside the epoch (before and after: the machine may be shared).
  const before = matmulRate(referenceSize(flags), byScale(flags, { full: 20, quick: 10, smoke: 3 }));
  const losses: number[] = [];
  started = performance.now();
  let steps = 0;
  for (let i = 0; i < pairs.length; i += sizes.batch) {
    const result = trainer.step(pairs.slice(i, i + sizes.batch));
    losses.push(result.metrics['loss']);
    steps += 1;
    log(`${method}: step ${steps}/${Math.ceil(pairs.length / sizes.batch)} loss ${result.metrics['loss'].toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const epochSeconds = (performance.now() - started) / 1000;
  const after = matmulRate(referenceSize(flags), byScale(flags, { full: 20, quick: 10, smoke: 3 }));
  const reference = (before + after) / 2;
  let failed = false;
  if (!losses.every(Number.isFinite) || Math.abs(losses[0] - Math.LN2) > 1e-3) {
    log(`CHECK FAILED ${method}: the first step's loss must be ln 2 (policy = reference), got ${losses[0]}`);
    failed = true;
  }
  // A full fine-tune's backward costs 2 forwards (input and weight gradients); LoRA's about 1 (input
  // gradients only: the frozen weights get none; the adapters' products are small).
  const trainedFlops = (method === 'full' ? 3 : 2) * flopsPerSequence * 2 * pairs.length;
  const row: Row = {
    method,
    trainable,
    precomputeSeconds,
    epochSeconds,
    steps,
    tokensPerSecond: (2 * pairs.length * 2 * sizes.length) / epochSeconds,
    gflops: trainedFlops / epochSeconds / 1e9,
    share: trainedFlops / epochSeconds / reference,
    loss: [losses[0], losses[losses.length - 1]],
  };
  trainer.dispose();
  model.dispose();
  return { row, reference, failed };
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const base = byScale<Sizes>(flags, {
    full: { model: SMOL_135M, pairs: 32, batch: 4, microBatch: 1, length: 32, methods: ['lora', 'full'] },
    quick: { model: SMOL_135M, pairs: 8, batch: 4, microBatch: 1, length: 32, methods: ['lora'] },
    smoke: { model: TINY, pairs: 8, batch: 4, microBatch: 2, length: 8, methods: ['lora', 'full'] },
  });
  const number = (name: string, fallback: number) => {
    const value = flags.values.get(name);
    return value === undefined ? fallback : Number(value);
  };
  const sizes: Sizes = { ...base, pairs: number('pairs', base.pairs), batch: number('batch', base.batch), microBatch: number('micro-batch', base.microBatch), length: number('length', base.length) };
  const preferred = flags.values.get('backend') as BackendName | undefined;
  const backend = await initBackend(preferred);
  const flopsPerSequence = forwardFlops(sizes.model, 2 * sizes.length, 2 * sizes.length);
  const rows: Row[] = [];
  let failed = false;
  let reference = 0;
  for (const method of sizes.methods) {
    try {
      const row = epoch(method, sizes, flags, backend, flopsPerSequence);
      reference = row.reference;
      rows.push(row.row);
      if (row.failed) failed = true;
    } catch (error) {
      // A full fine-tune of 135M parameters may not fit wasm's heap: say so in its row, keep the others.
      log(`${method}: ${(error as Error).message}`);
      rows.push({ method, error: (error as Error).message.split('\n')[0], trainable: 0, precomputeSeconds: 0, epochSeconds: 0, steps: 0, tokensPerSecond: 0, gflops: 0, share: 0, loss: [0, 0] });
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ machine: machineInfo(), backend, sizes, rows, referenceGflops: reference / 1e9 })}\n`);
  else {
    const m = sizes.model;
    process.stdout.write(
      `training/dpo-epoch: one sigmoid-DPO epoch, ${sizes.pairs} pairs of ${sizes.length} prompt + ${sizes.length} completion tokens, batch ${sizes.batch} (micro-batches of ${sizes.microBatch}); random Llama d${m.hiddenSize} × ${m.numLayers} layers, ${m.numHeads}/${m.numKvHeads} heads, vocab ${formatInt(m.vocabSize)}; backend ${backend}; reference: its ${referenceSize(flags)}² matmul rate in the same run, ${(reference / 1e9).toFixed(2)} GFLOP/s\n` +
        formatTable(
          ['method', 'trained parameters', 'reference precompute s', 'epoch s', 'steps', 'pairs/s', 'train tokens/s', 'train GFLOP/s', '/ matmul', 'loss first → last'],
          rows.map((r) => r.error ? [r.method, `could not run: ${r.error}`, '', '', '', '', '', '', '', ''] : [
            r.method,
            formatInt(r.trainable),
            r.precomputeSeconds.toFixed(1),
            r.epochSeconds.toFixed(1),
            String(r.steps),
            (sizes.pairs / r.epochSeconds).toFixed(2),
            formatInt(r.tokensPerSecond),
            r.gflops.toFixed(2),
            `${(r.share * 100).toFixed(0)} %`,
            `${r.loss[0].toFixed(4)} → ${r.loss[1].toFixed(4)}`,
          ]),
          [1, 2, 3, 4, 5, 6, 7, 8],
        ) +
        `\nmachine: ${JSON.stringify(machineInfo())}\n`,
    );
  }
  if (failed) process.exitCode = 1;
}
