import { embed, linear, linearFrozen } from './ops';
import { Rng } from './rng';
import { initBackend, tf } from './tf';

/** The gradient shortcuts of ops.ts give the gradients of the plain formulation. */
const rng = new Rng(9);
const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const close = (a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array) =>
  Array.from(a).forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]))));

describe.each(['cpu', 'wasm'] as const)('ops gradients (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('linearFrozen: the input gradient of x·w, with w constant (given transposed or not)', () => {
    const x = tf.tensor3d(values(2 * 3 * 4), [2, 3, 4]);
    const w = tf.tensor2d(values(4 * 5), [4, 5]);
    const wT = tf.transpose(w);
    const loss = (f: (a: tf.Tensor) => tf.Tensor) => (a: tf.Tensor) => tf.sum(tf.square(f(a)));
    const plain = tf.grad(loss((a) => tf.matMul(tf.reshape(a, [6, 4]), w)))(x);
    close(tf.grad(loss((a) => linearFrozen(a, w)))(x).dataSync(), plain.dataSync());
    close(tf.grad(loss((a) => linearFrozen(a, w, wT)))(x).dataSync(), plain.dataSync());
    close(linearFrozen(x, w).dataSync(), linear(x, w).dataSync());
  });

  it('embed: the table gradient adds dy rows by id (repeated ids included), like a one-hot product', () => {
    const table = tf.tensor2d(values(7 * 3), [7, 3]);
    const ids = tf.tensor2d([1, 4, 1, 6, 0, 1], [2, 3], 'int32');
    const dy = tf.tensor3d(values(2 * 3 * 3), [2, 3, 3]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embed(t, ids), dy)))(table);
    const expected = tf.matMul(tf.transpose(tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, 7)), tf.reshape(dy, [6, 3]));
    close(grad.dataSync(), expected.dataSync());
    close(embed(table, ids, false).dataSync(), embed(table, ids).dataSync());
  });
});
