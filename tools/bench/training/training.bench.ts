import { generate, initBackend, LlamaModel, Rng, tf, Trainer, type BackendName, type LlamaConfig, type SftExample } from '@camel/ml';
import { performance } from 'node:perf_hooks';
import { forwardFlops, timeMatmuls } from './model-flops';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, pickNames, type BenchContext } from '../harness';

/**
 * Training and generation throughput of @camel/ml, per TensorFlow.js backend:
 *  - the backend's raw matmul rate (square float32 products, GFLOP/s): the reference, measured in the same run;
 *  - training tokens/s (SFT steps: forward, backward, AdamW) and the FLOP rate they reach, as a share of
 *    that raw rate (guidance: ≥ 50 %); FLOPs counted from the model's shape: 3 × the forward's
 *    matrix products (backward = 2 × forward);
 *  - generation tokens/s with and without the KV cache (greedy; the two must produce the same ids).
 * Options: --backends=wasm,cpu,tensorflow (default: those that load; cpu only at --smoke/--quick sizes).
 */
const ALL: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

interface Sizes {
  readonly matmul: number;
  readonly batch: number;
  readonly length: number;
  readonly model: LlamaConfig;
  readonly steps: number;
  readonly prompt: number;
  readonly generated: number;
}

const shape = (hiddenSize: number, layers: number, maxPositions: number): LlamaConfig => ({
  vocabSize: 256,
  hiddenSize,
  intermediateSize: hiddenSize * 4,
  numLayers: layers,
  numHeads: hiddenSize / 32,
  numKvHeads: hiddenSize / 32,
  maxPositions,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  tieEmbeddings: true,
});

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface Row {
  readonly backend: string;
  readonly matmulGflops: number;
  readonly trainTokensPerSecond: number;
  readonly trainGflops: number;
  readonly share: number;
  readonly generateCached: number;
  readonly generateUncached: number;
  readonly loss: [number, number];
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes = byScale<Sizes>(flags, {
    full: { matmul: 512, batch: 16, length: 64, model: shape(128, 2, 128), steps: 9, prompt: 16, generated: 48 },
    quick: { matmul: 512, batch: 8, length: 64, model: shape(128, 2, 128), steps: 5, prompt: 16, generated: 24 },
    smoke: { matmul: 128, batch: 4, length: 16, model: shape(64, 2, 64), steps: 3, prompt: 8, generated: 8 },
  });
  const wanted = pickNames(flags.values.get('backends'), ALL, flags.smoke || flags.quick ? ALL : ['tensorflow', 'wasm'], 'backend');
  const rows: Row[] = [];
  let failed = false;
  for (const backend of wanted) {
    try {
      await initBackend(backend);
    } catch (error) {
      log(`${backend}: not available (${(error as Error).message})`);
      continue;
    }
    const model = LlamaModel.random(sizes.model, 1);
    const trainer = new Trainer(model, { objective: { kind: 'sft' }, optimizer: { learningRate: 1e-3 }, pad: 0 });
    const rng = new Rng(2);
    const batch: SftExample[] = Array.from({ length: sizes.batch }, () => {
      const ids = Array.from({ length: sizes.length }, () => 1 + Math.floor(rng.next() * 255));
      return { prompt: ids.slice(0, 1), completion: ids.slice(1) };
    });
    log(`${backend}: training B${sizes.batch} T${sizes.length} d${sizes.model.hiddenSize} ${sizes.model.numLayers} layers (${formatInt(model.parameterCount())} parameters), rounds of ${sizes.matmul}² matmuls then one step`);
    const firstLoss = trainer.step(batch).metrics['loss'];
    const tensors = tf.memory().numTensors;
    const stepFlops = 3 * forwardFlops(sizes.model, sizes.batch * sizes.length, sizes.length);
    const a = tf.randomNormal([sizes.matmul, sizes.matmul]);
    const b = tf.randomNormal([sizes.matmul, sizes.matmul]);
    const runs = Math.max(1, Math.round(stepFlops / (2 * sizes.matmul ** 3)));
    timeMatmuls(a, b, 1);
    // The machine is shared: alternate the reference and the measured work, and take medians.
    const matmulRates: number[] = [];
    const stepRates: number[] = [];
    const shares: number[] = [];
    let lastLoss = firstLoss;
    for (let i = 0; i < sizes.steps; i++) {
      const matmul = (runs * 2 * sizes.matmul ** 3) / timeMatmuls(a, b, runs);
      const start = performance.now();
      const result = trainer.step(batch);
      const seconds = (performance.now() - start) / 1000;
      lastLoss = result.metrics['loss'];
      matmulRates.push(matmul);
      stepRates.push(result.tokens / seconds);
      shares.push(stepFlops / seconds / matmul);
    }
    tf.dispose([a, b]);
    if (tf.memory().numTensors !== tensors) {
      log(`CHECK FAILED ${backend}: training steps leaked ${tf.memory().numTensors - tensors} tensors`);
      failed = true;
    }
    if (!Number.isFinite(lastLoss) || !(lastLoss < firstLoss)) {
      log(`CHECK FAILED ${backend}: the loss did not go down (${firstLoss} → ${lastLoss})`);
      failed = true;
    }
    const trainTokensPerSecond = median(stepRates);

    log(`${backend}: generating ${sizes.generated} tokens after a ${sizes.prompt}-token prompt`);
    const prompt = batch[0].completion.slice(0, sizes.prompt);
    const timedGenerate = (useCache: boolean) => {
      generate(model, prompt, { maxTokens: 2, useCache });
      const t0 = performance.now();
      const out = generate(model, prompt, { maxTokens: sizes.generated, useCache });
      return { ids: out.ids, perSecond: out.ids.length / ((performance.now() - t0) / 1000) };
    };
    const cachedRuns: ReturnType<typeof timedGenerate>[] = [];
    const uncachedRuns: ReturnType<typeof timedGenerate>[] = [];
    for (let i = 0; i < byScale(flags, { full: 3, quick: 2, smoke: 1 }); i++) {
      cachedRuns.push(timedGenerate(true));
      uncachedRuns.push(timedGenerate(false));
    }
    const cached = { ids: cachedRuns[0].ids, perSecond: median(cachedRuns.map((r) => r.perSecond)) };
    const uncached = { ids: uncachedRuns[0].ids, perSecond: median(uncachedRuns.map((r) => r.perSecond)) };
    if (cached.ids.join(',') !== uncached.ids.join(',') || cached.ids.length !== sizes.generated) {
      log(`CHECK FAILED ${backend}: generation with and without the KV cache differ`);
      failed = true;
    }
    trainer.dispose();
    model.dispose();
    rows.push({
      backend,
      matmulGflops: median(matmulRates) / 1e9,
      trainTokensPerSecond,
      trainGflops: (trainTokensPerSecond * stepFlops) / (sizes.batch * sizes.length) / 1e9,
      share: median(shares),
      generateCached: cached.perSecond,
      generateUncached: uncached.perSecond,
      loss: [firstLoss, lastLoss],
    });
  }
  if (rows.length === 0) {
    log('CHECK FAILED: no backend ran');
    failed = true;
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ machine: machineInfo(), sizes, rows })}\n`);
  else {
    const m = sizes.model;
    process.stdout.write(
      `training: SFT steps, B${sizes.batch} × T${sizes.length}, d${m.hiddenSize}, ${m.numLayers} layers, vocab ${m.vocabSize}; reference: the same backend's ${sizes.matmul}² matmul, alternated with the steps, medians of ${sizes.steps} rounds\n` +
        formatTable(
          ['backend', 'matmul GFLOP/s (reference)', 'train tokens/s', 'train GFLOP/s', '/ matmul', `generate tok/s (KV cache)`, 'generate tok/s (no cache)', 'cache speed-up'],
          rows.map((r) => [
            r.backend,
            r.matmulGflops.toFixed(2),
            formatInt(r.trainTokensPerSecond),
            r.trainGflops.toFixed(2),
            `${(r.share * 100).toFixed(0)} %`,
            r.generateCached.toFixed(1),
            r.generateUncached.toFixed(1),
            `${(r.generateCached / r.generateUncached).toFixed(1)}×`,
          ]),
          [1, 2, 3, 4, 5, 6, 7],
        ) +
        `\nmachine: ${JSON.stringify(machineInfo())}\n`,
    );
  }
  if (failed) process.exitCode = 1;
}
