import { tf } from './tf';
import { installWasmKernels } from './wasm-kernels';

installWasmKernels();

/**
 * Matrix products whose gradients use explicit transposes: on wasm a `transposeA/B` matmul is a slow
 * path (1024²: 5.3 s against 79 ms after an explicit transpose), and tfjs' own MatMul gradient uses it.
 */
const lastTwo = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

/** Swaps the last two axes with an explicit (materialised) transpose. */
export const transposeLast = (x: tf.Tensor): tf.Tensor => tf.transpose(x, lastTwo(x.rank));

/**
 * a [..., n, k] · b [..., k, m]. On wasm only a product of two plain matrices reaches XNNPACK; a
 * batched one (attention's per-head products) runs a scalar loop at about a tenth of the speed
 * (64 products of 64×32 by 32×64: 20 ms batched, 3 ms as 64 matrix products). So on wasm a batch is
 * unstacked, multiplied matrix by matrix and stacked again.
 */
function product(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (a.rank <= 2 || batch === 1 || tf.getBackend() !== 'wasm') return tf.matMul(a, b);
  const [n, k] = a.shape.slice(-2) as [number, number];
  const m = b.shape[b.rank - 1] as number;
  return tf.tidy(() => {
    const left = tf.unstack(tf.reshape(a, [batch, n, k]));
    const right = tf.unstack(tf.reshape(b, [batch, k, m]));
    return tf.reshape(tf.stack(left.map((x, i) => tf.matMul(x, right[i]))), [...a.shape.slice(0, -2), n, m]);
  });
}

/** a [..., n, k] · b [..., k, m] (same leading axes), gradients by explicit transposes. */
export const matmul = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: product(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [product(dy, transposeLast(saved[1])), product(transposeLast(saved[0]), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x [..., in] · w [in, out] → [..., out]: flattened to one 2-D product. */
export function linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1] as number]);
  return tf.reshape(matmul(flat, w), [...shape.slice(0, -1), w.shape[1] as number]);
}

/**
 * Rows of `table` [vocab, d] for integer `ids` (any shape) → [...ids.shape, d]. Forward: gather.
 * Gradient (wasm has none for gather): one-hot(ids)ᵀ · dy, a product with an explicit transpose.
 */
export function embed(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const flatIds = tf.reshape(ids, [-1]);
  const vocab = table.shape[0] as number;
  const op = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([flatIds]);
    return {
      value: tf.gather(t, flatIds),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(tf.transpose(tf.oneHot(saved[0] as tf.Tensor1D, vocab)), dy)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (t: tf.Tensor) => tf.Tensor;
  return tf.reshape(op(table), [...ids.shape, table.shape[1] as number]);
}

/** x · rsqrt(mean(x², -1) + eps) · w: Llama's RMSNorm. */
export const rmsNorm = (x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);

export const silu = (x: tf.Tensor): tf.Tensor => tf.mul(x, tf.sigmoid(x));

/**
 * Row i's entry ids[i] of x [N, V] → [N]. Forward: a gather from the flat values (no [N, V] one-hot);
 * gradient (wasm has none for gather): one-hot(ids) · dy, [N, V] only while the backward runs.
 */
function pick(x: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor1D {
  const [n, v] = x.shape;
  const op = tf.customGrad(((values: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ids]);
    const flat = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(v, 'int32')), ids);
    return {
      value: tf.gather(tf.reshape(values, [n * v]), flat),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.oneHot(saved[0] as tf.Tensor1D, v), tf.expandDims(dy, 1))],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (values: tf.Tensor) => tf.Tensor1D;
  return op(x);
}

/**
 * Per position, log p(ids[t + 1] | ids[..t]) from logits [B, T, V] → [B, T - 1]: the picked logit
 * minus the log-sum-exp of its row (a log-softmax without materializing it, and without a one-hot
 * the size of the logits in the forward: a 135M model's vocabulary is 49,152 wide).
 */
export function nextTokenLogps(logits: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [b, t, v] = logits.shape;
  const rows = tf.reshape(tf.slice(logits, [0, 0, 0], [b, t - 1, v]), [b * (t - 1), v]) as tf.Tensor2D;
  const next = tf.reshape(tf.cast(tf.slice(ids, [0, 1], [b, t - 1]), 'int32'), [b * (t - 1)]) as tf.Tensor1D;
  return tf.reshape(tf.sub(pick(rows, next), tf.logSumExp(rows, -1)), [b, t - 1]);
}
