import { expected, expectedTensors, maxAbsDiff, TINY_LLAMA, type DpoCase, must } from '../testing/fixtures';
import { loadHfModel } from './hf';
import { LlamaModel, type LlamaConfig } from './model';
import {
  batchTensors,
  dpoFromLogps,
  dpoObjective,
  logpsFromLogits,
  ObjectiveError,
  preferenceBatch,
  referenceLogps,
  sftObjective,
  validateObjective,
  type DpoObjective,
  type PreferencePair,
} from './objectives';
import { initBackend, tf } from './tf';

const fixture = expected();
const pairs: PreferencePair[] = fixture.dpo.prompts.map((prompt, i) => ({ prompt, chosen: fixture.dpo.chosen[i], rejected: fixture.dpo.rejected[i] }));
const reference = { chosen: fixture.dpo.reference_chosen_logps, rejected: fixture.dpo.reference_rejected_logps };
const objectiveOf = (c: DpoCase): DpoObjective => ({ kind: 'dpo', beta: c.beta, lossType: c.loss_type, labelSmoothing: c.label_smoothing, sftWeight: c.rpo_alpha ?? undefined });

const readScalars = (metrics: Record<string, tf.Scalar>): Record<string, number> => Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v.dataSync()[0]]));

/** Gradients of `loss` for every weight, in Hugging Face's layout ([out, in] for linear layers). */
function weightGrads(model: LlamaModel, loss: () => tf.Scalar): Map<string, Float32Array> {
  const names = [...model.weights.keys()];
  const { grads } = tf.variableGrads(loss, [...model.weights.values()]);
  const out = new Map<string, Float32Array>();
  names.forEach((name) => {
    const g = grads[must(model.weights.get(name), name).name];
    const hf = tf.tidy(() => (g.rank === 2 && name !== 'model.embed_tokens.weight' ? tf.transpose(g) : tf.clone(g)));
    out.set(name, hf.dataSync() as Float32Array);
    hf.dispose();
  });
  tf.dispose(grads);
  return out;
}

describe('DPO and SFT objectives (TRL definitions)', () => {
  let model: LlamaModel;

  beforeAll(async () => {
    await initBackend();
    model = loadHfModel(TINY_LLAMA).model;
  });
  afterAll(() => model.dispose());

  it.each(fixture.dpo.cases.map((c) => [c.name, c]))("%s: loss and TRL's metrics equal PyTorch's to 1e-5 (relative above 1)", (_, c) => {
    const ours = tf.tidy(() => readScalars(dpoObjective(model, pairs, reference, fixture.dpo.pad, objectiveOf(c as DpoCase)).metrics));
    expect(Object.keys(ours).sort()).toEqual(Object.keys((c as DpoCase).metrics).sort());
    for (const [name, value] of Object.entries((c as DpoCase).metrics)) expect([name, ours[name], Math.abs(ours[name] - value) < 1e-5 * Math.max(1, Math.abs(value))]).toEqual([name, ours[name], true]);
  });

  it.each(fixture.dpo.cases.map((c) => [c.name, c]))('%s: the gradient with respect to the policy log-probs equals PyTorch\'s to 1e-5', (_, c) => {
    const dc = c as DpoCase;
    const batch = preferenceBatch(pairs, fixture.dpo.pad);
    const sums = tf.tidy(() => {
      const { ids, mask } = batchTensors(batch);
      return logpsFromLogits(model.forward(ids), ids, mask);
    });
    const grad = tf.tidy(() => tf.grad((p: tf.Tensor) => dpoFromLogps(p as tf.Tensor1D, [...reference.chosen, ...reference.rejected], batch.counts, objectiveOf(dc)).loss)(sums).dataSync());
    sums.dispose();
    // ipo's fixture differentiates the per-token means: d/d(sum) = d/d(mean) / count.
    const scale = (i: number) => (dc.loss_type === 'ipo' ? batch.counts[i] : 1);
    const ours = Array.from(grad, (g, i) => g * scale(i));
    expect(maxAbsDiff(ours, [...dc.grad_policy_chosen_logps, ...dc.grad_policy_rejected_logps])).toBeLessThan(1e-5);
  });

  it("DPO (sigmoid) and SFT gradients for every weight equal PyTorch's to 1e-5", () => {
    const tensors = expectedTensors();
    const sigmoid = must(fixture.dpo.cases.find((c) => c.name === 'sigmoid'), 'sigmoid case');
    const dpo = weightGrads(model, () => dpoObjective(model, pairs, reference, fixture.dpo.pad, objectiveOf(sigmoid)).loss);
    const sft = weightGrads(model, () => sftObjective(model, pairs.map((p) => ({ prompt: p.prompt, completion: p.chosen })), fixture.dpo.pad).loss);
    expect(dpo.size).toBe(model.weights.size);
    let worst = 0;
    for (const [name, g] of dpo) worst = Math.max(worst, maxAbsDiff(g, must(tensors.get(`dpo.sigmoid/${name}`), name).data));
    for (const [name, g] of sft) worst = Math.max(worst, maxAbsDiff(g, must(tensors.get(`sft/${name}`), name).data));
    expect(worst).toBeLessThan(1e-5);
    // Not vacuous: the gradients are far from zero.
    expect(Math.max(...must(tensors.get('dpo.sigmoid/model.embed_tokens.weight'), 'embed grad').data.map(Math.abs))).toBeGreaterThan(1e-3);
    const sftLoss = tf.tidy(() => sftObjective(model, pairs.map((p) => ({ prompt: p.prompt, completion: p.chosen })), fixture.dpo.pad).loss.dataSync()[0]);
    expect(Math.abs(sftLoss - fixture.sft.loss)).toBeLessThan(1e-5);
  });

  it('with policy = reference: sigmoid = ln 2, hinge = 1, ipo = 25 at β = 0.1, rewards 0', () => {
    const self = referenceLogps(pairs, fixture.dpo.pad, () => model);
    const at = (lossType: DpoObjective['lossType']) =>
      tf.tidy(() => readScalars(dpoObjective(model, pairs, self, fixture.dpo.pad, { kind: 'dpo', beta: 0.1, lossType }).metrics));
    for (const [lossType, loss] of [['sigmoid', Math.log(2)], ['hinge', 1], ['ipo', 25], ['robust', Math.log(2)]] as const) {
      const m = at(lossType);
      expect(Math.abs(m['loss'] - loss)).toBeLessThan(1e-5);
      expect(Math.abs(m['rewards/chosen'])).toBeLessThan(1e-6);
      expect(Math.abs(m['rewards/rejected'])).toBeLessThan(1e-6);
      expect(Math.abs(m['rewards/margins'])).toBeLessThan(1e-6);
    }
  });

  it('changing the logits at prompt (and padding) positions leaves the loss unchanged, and their gradient is 0', () => {
    const batch = preferenceBatch(pairs, fixture.dpo.pad);
    const v = model.config.vocabSize;
    const objective: DpoObjective = { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' };
    const lossOf = (logits: tf.Tensor) => {
      const { ids, mask } = batchTensors(batch);
      return dpoFromLogps(logpsFromLogits(logits as tf.Tensor3D, ids, mask), [...reference.chosen, ...reference.rejected], batch.counts, objective).loss;
    };
    const [before, after, promptGrad, completionGrad] = tf.tidy(() => {
      const logits = tf.randomNormal([batch.rows, batch.length, v], 0, 2, 'float32', 1);
      // 1 where the position's logits predict a prompt token or padding (mask 0), including the last position.
      const outside = tf.reshape(tf.concat([tf.sub(1, tf.tensor2d(batch.mask, [batch.rows, batch.length - 1])), tf.ones([batch.rows, 1])], 1), [batch.rows, batch.length, 1]);
      const changed = tf.add(logits, tf.mul(tf.randomNormal(logits.shape, 0, 5, 'float32', 2), outside));
      const grad = tf.grad(lossOf)(logits);
      return [lossOf(logits).dataSync()[0], lossOf(changed).dataSync()[0], tf.sum(tf.abs(tf.mul(grad, outside))).dataSync()[0], tf.sum(tf.abs(grad)).dataSync()[0]];
    });
    expect(after).toBe(before);
    expect(promptGrad).toBe(0);
    expect(completionGrad).toBeGreaterThan(1e-3);
  });

  it('the gradient of the DPO loss matches finite differences on a tiny model', () => {
    const config: LlamaConfig = { vocabSize: 24, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 16, rmsNormEps: 1e-6, ropeTheta: 10000, tieEmbeddings: false };
    const tiny = LlamaModel.random(config, 21, 0.5);
    const data: PreferencePair[] = [
      { prompt: [1, 2, 3], chosen: [4, 5], rejected: [6, 7, 8] },
      { prompt: [9, 10], chosen: [11, 12, 13], rejected: [14] },
    ];
    const ref = { chosen: [-7, -9], rejected: [-8, -3] };
    const objective: DpoObjective = { kind: 'dpo', beta: 0.5, lossType: 'sigmoid', sftWeight: 0.3 };
    const loss = () => tf.tidy(() => dpoObjective(tiny, data, ref, 0, objective).loss.dataSync()[0]);
    const names = ['model.layers.0.self_attn.q_proj.weight', 'model.layers.1.mlp.gate_proj.weight', 'model.embed_tokens.weight', 'model.layers.0.input_layernorm.weight', 'lm_head.weight'];
    const { grads } = tf.variableGrads(() => dpoObjective(tiny, data, ref, 0, objective).loss, names.map((n) => must(tiny.weights.get(n), n)));
    const eps = 1e-2;
    let checked = 0;
    for (const name of names) {
      const variable = must(tiny.weights.get(name), name);
      const g = grads[variable.name].dataSync();
      const original = variable.dataSync().slice() as Float32Array;
      for (const i of [0, 7, Math.floor(original.length / 2)]) {
        const bump = (delta: number) => {
          const values = original.slice();
          values[i] += delta;
          variable.assign(tf.tensor(values, variable.shape));
          return loss();
        };
        const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
        variable.assign(tf.tensor(original, variable.shape));
        expect(Math.abs(numeric - g[i])).toBeLessThan(2e-3 + 2e-2 * Math.abs(g[i]));
        checked += Math.abs(g[i]) > 1e-3 ? 1 : 0;
      }
    }
    expect(checked).toBeGreaterThan(5);
    tf.dispose(grads);
    tiny.dispose();
  });

  it('refuses bad objective settings, naming the field', () => {
    const fields = (o: unknown) => {
      try {
        validateObjective(o as DpoObjective);
      } catch (error) {
        return (error as ObjectiveError).fields;
      }
      return [];
    };
    expect(fields({ kind: 'dpo', beta: 0, lossType: 'sigmoid' })).toEqual(['beta']);
    expect(fields({ kind: 'dpo', beta: 0.1, lossType: 'kto' })).toEqual(['lossType']);
    expect(fields({ kind: 'dpo', beta: 0.1, lossType: 'hinge', labelSmoothing: 0.1 })).toEqual(['labelSmoothing']);
    expect(fields({ kind: 'dpo', beta: 0.1, lossType: 'robust', labelSmoothing: 0.5 })).toEqual(['labelSmoothing']);
    expect(fields({ kind: 'dpo', beta: 0.1, lossType: 'sigmoid' })).toEqual([]);
  });
});
