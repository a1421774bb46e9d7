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
  return overRows(x, w, (flat) => matmul(flat, w));
}

/** x [..., in] flattened to [rows, in], `product` of it with w [in, out], shaped back to [..., out]. */
function overRows(x: tf.Tensor, w: tf.Tensor, product: (flat: tf.Tensor) => tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1] as number]);
  return tf.reshape(product(flat), [...shape.slice(0, -1), w.shape[1] as number]);
}

/**
 * x [..., in] · w [in, out] where w is a constant (a frozen weight under LoRA): the gradient flows to
 * x alone — no [in, out] weight gradient is computed and thrown away. `wT` is w transposed when the
 * caller has it (a tied head's embedding table), saving the transpose in the backward.
 */
export function linearFrozen(x: tf.Tensor, w: tf.Tensor, wT?: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((a: tf.Tensor) => ({
    value: tf.matMul(a, w),
    // dx = dy · wᵀ. Without wᵀ at hand, as (w · dyᵀ)ᵀ: only activation-sized tensors are transposed
    // (a transposed copy of every frozen weight, each also packed by XNNPACK, held ~1 GB during a
    // 135M model's backward).
    gradFunc: (dy: tf.Tensor) => [wT ? tf.matMul(dy, wT) : tf.transpose(tf.matMul(w, tf.transpose(dy)))],
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor) => tf.Tensor;
  return overRows(x, w, op);
}

/**
 * Rows of `table` [vocab, d] for integer `ids` (any shape) → [...ids.shape, d]. Forward: gather.
 * Gradient (wasm has none for gather): the rows of dy added into a [vocab, d] array by id — O(ids × d),
 * where a one-hot(ids)ᵀ · dy product costs O(vocab × ids × d) (7 GFLOP for 128 tokens of a
 * 49,152-word vocabulary). A frozen table (`trainable` false) is a plain gather.
 */
export function embed(table: tf.Tensor, ids: tf.Tensor, trainable = true): tf.Tensor {
  const flatIds = tf.reshape(ids, [-1]);
  const [vocab, d] = table.shape as [number, number];
  if (!trainable) return tf.reshape(tf.gather(table, flatIds), [...ids.shape, d]);
  const op = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([flatIds]);
    return {
      value: tf.gather(t, flatIds),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const rows = saved[0].dataSync();
        const g = dy.dataSync();
        const out = new Float32Array(vocab * d);
        for (let i = 0; i < rows.length; i++) {
          const to = rows[i] * d;
          const from = i * d;
          for (let j = 0; j < d; j++) out[to + j] += g[from + j];
        }
        return [tf.tensor2d(out, [vocab, d])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (t: tf.Tensor) => tf.Tensor;
  return tf.reshape(op(table), [...ids.shape, d]);
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
 * log Σ exp over the rows of x [N, V] → [N], with the gradient softmax(x) · dy. tfjs' own logSumExp
 * differentiates through its max with an [N, V] equality mask: 3 s on wasm for 126 × 49,152.
 */
function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  const op = tf.customGrad(((values: tf.Tensor, save: tf.GradSaveFunc) => {
    const max = tf.max(values, -1, true);
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(values, max)), -1)), tf.reshape(max, [-1]));
    save([values, lse]);
    return {
      value: lse,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.exp(tf.sub(saved[0], tf.expandDims(saved[1], 1))), tf.expandDims(dy, 1))],
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
  return tf.reshape(tf.sub(pick(rows, next), logSumExpRows(rows)), [b, t - 1]);
}
