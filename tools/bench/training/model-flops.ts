import { tf, type LlamaConfig } from '@camel/ml';
import { performance } from 'node:perf_hooks';

/**
 * What the training benchmarks share: the FLOP count of a forward pass from the model's shape, and
 * the backend's raw matmul time (the reference every training figure is divided by).
 */

/** Multiply-adds × 2 of one forward over `tokens` tokens of `length`-token sequences: every linear layer, the head, QKᵀ and AV. */
export function forwardFlops(c: LlamaConfig, tokens: number, length: number): number {
  const d = c.hiddenSize;
  const kv = (c.numKvHeads * d) / c.numHeads;
  const linear = c.numLayers * (d * d * 2 + d * kv * 2 + 3 * d * c.intermediateSize) + d * c.vocabSize;
  const attention = c.numLayers * 2 * length * d;
  return 2 * tokens * (linear + attention);
}

/** Seconds for `runs` products of a and b (read back, as a training step reads its loss). */
export function timeMatmuls(a: tf.Tensor, b: tf.Tensor, runs: number): number {
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    // Not inside tf.tidy: tidy walks a returned typed array element by element (slower than the product).
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  return (performance.now() - start) / 1000;
}
