import { matmul } from './ops';
import { Rng } from './rng';
import { initBackend, tf } from './tf';

/**
 * The wasm slicing kernels (wasm-kernels.ts) and the per-matrix batched product (ops.ts) give exactly
 * what the cpu backend gives, on every shape kind: contiguous and strided boxes, splits, unstacks,
 * batched products and their gradients.
 */
const rng = new Rng(5);
const values = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());

async function onBoth<T>(work: () => T): Promise<{ cpu: T; wasm: T }> {
  await initBackend('cpu');
  const cpu = work();
  await initBackend('wasm');
  const wasm = work();
  return { cpu, wasm };
}

const read = (t: tf.Tensor | tf.Tensor[]): { shape: number[]; data: number[] }[] =>
  (Array.isArray(t) ? t : [t]).map((x) => ({ shape: x.shape, data: Array.from(x.dataSync()) }));

describe('wasm kernels', () => {
  const x4 = values([3, 4, 5, 6]);

  it.each([
    ['a contiguous box (leading axis)', [1, 0, 0, 0], [2, 4, 5, 6]],
    ['a contiguous box (one row)', [2, 3, 0, 0], [1, 1, 5, 6]],
    ['a strided box (last axis halves, rotary)', [0, 0, 0, 3], [-1, -1, -1, 3]],
    ['a strided box in the middle', [1, 1, 2, 1], [2, 2, 2, 4]],
    ['an empty box', [0, 0, 0, 0], [0, 4, 5, 6]],
  ])('slices %s like the cpu backend', async (_name, begin, size) => {
    const { cpu, wasm } = await onBoth(() => tf.tidy(() => read(tf.slice(tf.tensor4d(x4, [3, 4, 5, 6]), begin, size))));
    expect(wasm).toEqual(cpu);
  });

  it('splits and unstacks like the cpu backend, on every axis', async () => {
    for (const axis of [0, 1, 2, 3]) {
      const { cpu, wasm } = await onBoth(() =>
        tf.tidy(() => {
          const x = tf.tensor4d(x4, [3, 4, 5, 6]);
          return [...read(tf.split(x, [1, x.shape[axis] - 1], axis)), ...read(tf.unstack(x, axis))];
        }),
      );
      expect(wasm).toEqual(cpu);
    }
  });

  it('multiplies batches matrix by matrix on wasm with the same values and gradients as a batched product', async () => {
    const a = values([2, 3, 4, 5]);
    const b = values([2, 3, 5, 7]);
    const { cpu, wasm } = await onBoth(() =>
      tf.tidy(() => {
        const ta = tf.tensor4d(a, [2, 3, 4, 5]);
        const tb = tf.tensor4d(b, [2, 3, 5, 7]);
        const { value, grads } = tf.valueAndGrads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(matmul(p, q))))([ta, tb]);
        return [...read(matmul(ta, tb)), ...read(value), ...read(grads)];
      }),
    );
    expect(wasm.map((t) => t.shape)).toEqual(cpu.map((t) => t.shape));
    // float32 sums in another order: equal to a relative 1e-5.
    wasm.forEach((t, i) => t.data.forEach((v, j) => expect(Math.abs(v - cpu[i].data[j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(cpu[i].data[j])))));
  });
});
