import { generate, initBackend, LlamaModel, Rng, tf, Trainer, type BackendName, type LlamaConfig, type SftExample } from '@camel/ml';
import { performance } from 'node:perf_hooks';
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

/** Multiply-adds × 2 of one forward over `tokens` tokens of `length`-token sequences: every linear layer, the head, QKᵀ and AV. */
function forwardFlops(c: LlamaConfig, tokens: number, length: number): number {
  const d = c.hiddenSize;
  const kv = (c.numKvHeads * d) / c.numHeads;
  const linear = c.numLayers * (d * d * 2 + d * kv * 2 + 3 * d * c.intermediateSize) + d * c.vocabSize;
  const attention = c.numLayers * 2 * length * d;
  return 2 * tokens * (linear + attention);
}

function matmulRate(n: number, seconds: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.tidy(() => tf.matMul(a, b).dataSync());
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    tf.tidy(() => tf.matMul(a, b).dataSync());
    runs += 1;
  }
  const elapsed = (performance.now() - start) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * runs) / elapsed;
}

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
    full: { matmul: 512, batch: 16, length: 64, model: shape(128, 2, 128), steps: 8, prompt: 16, generated: 48 },
    quick: { matmul: 256, batch: 8, length: 64, model: shape(128, 2, 128), steps: 4, prompt: 16, generated: 24 },
    smoke: { matmul: 128, batch: 4, length: 16, model: shape(64, 2, 64), steps: 2, prompt: 8, generated: 8 },
  });
  const seconds = byScale(flags, { full: 2, quick: 1, smoke: 0.2 });
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
    log(`${backend}: matmul ${sizes.matmul}²`);
    const matmul = matmulRate(sizes.matmul, seconds);

    const model = LlamaModel.random(sizes.model, 1);
    const trainer = new Trainer(model, { objective: { kind: 'sft' }, optimizer: { learningRate: 1e-3 }, pad: 0 });
    const rng = new Rng(2);
    const batch: SftExample[] = Array.from({ length: sizes.batch }, () => {
      const ids = Array.from({ length: sizes.length }, () => 1 + Math.floor(rng.next() * 255));
      return { prompt: ids.slice(0, 1), completion: ids.slice(1) };
    });
    log(`${backend}: training B${sizes.batch} T${sizes.length} d${sizes.model.hiddenSize} ${sizes.model.numLayers} layers (${formatInt(model.parameterCount())} parameters)`);
    const firstLoss = trainer.step(batch).metrics['loss'];
    const tensors = tf.memory().numTensors;
    let tokens = 0;
    let lastLoss = firstLoss;
    const start = performance.now();
    for (let i = 0; i < sizes.steps; i++) {
      const result = trainer.step(batch);
      tokens += result.tokens;
      lastLoss = result.metrics['loss'];
    }
    const trainSeconds = (performance.now() - start) / 1000;
    if (tf.memory().numTensors !== tensors) {
      log(`CHECK FAILED ${backend}: training steps leaked ${tf.memory().numTensors - tensors} tensors`);
      failed = true;
    }
    if (!Number.isFinite(lastLoss) || !(lastLoss < firstLoss)) {
      log(`CHECK FAILED ${backend}: the loss did not go down (${firstLoss} → ${lastLoss})`);
      failed = true;
    }
    const trainTokensPerSecond = tokens / trainSeconds;
    const trainFlops = (3 * forwardFlops(sizes.model, tokens, sizes.length)) / trainSeconds;

    log(`${backend}: generating ${sizes.generated} tokens after a ${sizes.prompt}-token prompt`);
    const prompt = batch[0].completion.slice(0, sizes.prompt);
    const timedGenerate = (useCache: boolean) => {
      generate(model, prompt, { maxTokens: 2, useCache });
      const t0 = performance.now();
      const out = generate(model, prompt, { maxTokens: sizes.generated, useCache });
      return { ids: out.ids, perSecond: out.ids.length / ((performance.now() - t0) / 1000) };
    };
    const cached = timedGenerate(true);
    const uncached = timedGenerate(false);
    if (cached.ids.join(',') !== uncached.ids.join(',') || cached.ids.length !== sizes.generated) {
      log(`CHECK FAILED ${backend}: generation with and without the KV cache differ`);
      failed = true;
    }
    trainer.dispose();
    model.dispose();
    rows.push({
      backend,
      matmulGflops: matmul / 1e9,
      trainTokensPerSecond,
      trainGflops: trainFlops / 1e9,
      share: trainFlops / matmul,
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
      `training: SFT steps, B${sizes.batch} × T${sizes.length}, d${m.hiddenSize}, ${m.numLayers} layers, vocab ${m.vocabSize}; reference: the same backend's ${sizes.matmul}² matmul in the same run\n` +
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
