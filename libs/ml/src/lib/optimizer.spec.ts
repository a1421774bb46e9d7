import { AdamW, learningRateAt, OptimizerError, validateAdamW } from './optimizer';
import { initBackend, tf } from './tf';

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("follows PyTorch's AdamW rule, computed by hand in float64 (bias-corrected moments, decoupled decay first, eps outside the root), and clips the global norm", () => {
    const p = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const opt = new AdamW([p], ['p'], { learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.1 });
    const grads = [[0.5, -1, 2], [-0.25, 0.5, 1]];
    // The same two steps by hand, in float64.
    let value = [1, -2, 0.5];
    let m = [0, 0, 0];
    let v = [0, 0, 0];
    grads.forEach((g, step) => {
      m = m.map((x, i) => 0.9 * x + 0.1 * g[i]);
      v = v.map((x, i) => 0.99 * x + 0.01 * g[i] ** 2);
      const c1 = 1 - 0.9 ** (step + 1);
      const c2 = 1 - 0.99 ** (step + 1);
      value = value.map((x, i) => x * (1 - 0.1 * 0.1) - (0.1 * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8));
      const t = tf.tensor1d(g);
      opt.apply([t]);
      t.dispose();
    });
    Array.from(p.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(value[i], 6));
    const state = opt.state();
    expect(state.step).toBe(2);
    Array.from(state.tensors.get('exp_avg/p')?.data ?? []).forEach((x, i) => expect(x).toBeCloseTo(m[i], 6));

    const clipped = new AdamW([p], ['p'], { learningRate: 0.1, maxGradNorm: 1 });
    const big = tf.tensor1d([3, 4, 0]);
    expect(clipped.apply([big])).toBeCloseTo(5, 5);
    expect(Array.from(clipped.state().tensors.get('exp_avg/p')?.data ?? []).map((x) => x / 0.1)).toEqual([expect.closeTo(0.6, 5), expect.closeTo(0.8, 5), 0]);
    tf.dispose([big, p]);
    opt.dispose();
    clipped.dispose();
  });

  it('schedules warm-up then linear decay, and refuses bad settings naming the field', () => {
    const schedule = { learningRate: 1, warmupSteps: 2, kind: 'linear' as const, totalSteps: 6 };
    expect([1, 2, 3, 4, 5, 6].map((s) => learningRateAt(schedule, s))).toEqual([0.5, 1, 0.75, 0.5, 0.25, 0]);
    expect(learningRateAt({ learningRate: 0.1 }, 9)).toBe(0.1);
    const fields = (options: object) => {
      try {
        validateAdamW(options as never);
      } catch (error) {
        return (error as OptimizerError).fields;
      }
      return [];
    };
    expect(fields({ learningRate: 0 })).toEqual(['learningRate']);
    expect(fields({ learningRate: 1e-3, beta2: 1 })).toEqual(['beta2']);
    expect(fields({ learningRate: 1e-3, maxGradNorm: -1 })).toEqual(['maxGradNorm']);
    expect(fields({ learningRate: 1e-3 })).toEqual([]);
  });
});
