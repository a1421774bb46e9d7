import { expected, expectedTensors, maxAbsDiff, TINY_LLAMA, must } from '../testing/fixtures';
import { loadHfModel } from './hf';
import { configFromHf, KvCache, LlamaModel, ModelConfigError, type LlamaConfig } from './model';
import { initBackend, tf, type BackendName } from './tf';

const small: LlamaConfig = { vocabSize: 40, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 32, rmsNormEps: 1e-6, ropeTheta: 10000, tieEmbeddings: false };

const logitsOf = (model: LlamaModel, ids: number[][]): Float32Array =>
  tf.tidy(() => model.forward(tf.tensor2d(ids, undefined, 'int32')).dataSync() as Float32Array);

describe.each<BackendName>(['wasm', 'cpu'])('the Llama forward on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it("gives PyTorch's logits for the tiny random Llama (tied embeddings, grouped-query attention) to 1e-4", () => {
    const { model } = loadHfModel(TINY_LLAMA);
    const reference = must(expectedTensors().get('logits'), 'logits');
    const ours = logitsOf(model, expected().logits_ids);
    expect(reference.shape).toEqual([2, 9, model.config.vocabSize]);
    expect(maxAbsDiff(ours, reference.data)).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('the Llama model', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('reads config.json fields and refuses what it cannot run, naming the field', () => {
    expect(() => configFromHf({ vocab_size: 10, hidden_size: 16, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 3 })).toThrow(ModelConfigError);
    try {
      configFromHf({ vocab_size: 10, hidden_size: 16, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 4, hidden_act: 'gelu' });
    } catch (error) {
      expect((error as ModelConfigError).fields).toEqual(['hidden_act']);
    }
    expect(() => LlamaModel.random({ ...small, numKvHeads: 3 }, 1)).toThrow(/numKvHeads/);
  });

  it('decodes with the KV cache to the same logits as the whole sequence at once', () => {
    const model = LlamaModel.random(small, 7, 0.3);
    const ids = [3, 9, 1, 30, 12, 5, 7];
    const whole = logitsOf(model, [ids]);
    const cache = new KvCache(small.numLayers);
    const steps: number[] = [];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const first = model.forward(tf.tensor2d([ids.slice(0, 3)], undefined, 'int32'), cache);
      steps.push(...first.dataSync());
    });
    for (const id of ids.slice(3)) steps.push(...tf.tidy(() => model.forward(tf.tensor2d([[id]], undefined, 'int32'), cache).dataSync()));
    expect(cache.length).toBe(ids.length);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(steps, whole)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('right padding does not change the logits of the real tokens (causal attention)', () => {
    const model = LlamaModel.random(small, 3, 0.3);
    const alone = logitsOf(model, [[4, 5, 6]]);
    const padded = logitsOf(model, [[4, 5, 6, 0, 0]]).slice(0, alone.length);
    expect(maxAbsDiff(alone, padded)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('exports to Hugging Face-named tensors and imports back to the same logits (untied head)', () => {
    const model = LlamaModel.random(small, 11, 0.3);
    const tensors = model.toTensors();
    expect(tensors.get('lm_head.weight')?.shape).toEqual([40, 16]);
    expect(tensors.get('model.layers.0.self_attn.k_proj.weight')?.shape).toEqual([8, 16]);
    expect(tensors.get('model.layers.1.mlp.down_proj.weight')?.shape).toEqual([16, 32]);
    const copy = LlamaModel.fromTensors(small, tensors);
    expect(maxAbsDiff(logitsOf(copy, [[1, 2, 3, 4]]), logitsOf(model, [[1, 2, 3, 4]]))).toBe(0);
    model.dispose();
    copy.dispose();
  });

  it('LoRA: zero adapters change nothing; trained adapters merged give the logits of base + adapters', () => {
    const model = LlamaModel.random(small, 5, 0.3);
    const base = logitsOf(model, [[1, 2, 3]]);
    model.addLora({ rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'down_proj'] }, 9);
    expect(maxAbsDiff(logitsOf(model, [[1, 2, 3]]), base)).toBe(0);
    expect(model.trainableVariables()).toHaveLength(2 * 3 * small.numLayers);
    // Give the B matrices values, as training would.
    const adapters = model.adapterTensors();
    for (const [name, t] of adapters) if (name.endsWith('lora_B.weight')) t.data.forEach((_, i) => (t.data[i] = Math.sin(i + name.length) * 0.2));
    model.loadAdapterTensors(adapters);
    const withAdapters = logitsOf(model, [[1, 2, 3]]);
    expect(maxAbsDiff(withAdapters, base)).toBeGreaterThan(1e-3);
    model.adaptersEnabled = false;
    expect(maxAbsDiff(logitsOf(model, [[1, 2, 3]]), base)).toBe(0);
    model.adaptersEnabled = true;
    const merged = LlamaModel.fromTensors(small, model.toTensors({ merged: true }));
    expect(maxAbsDiff(logitsOf(merged, [[1, 2, 3]]), withAdapters)).toBeLessThan(1e-5);
    model.mergeLora();
    expect(model.loraOptions).toBeNull();
    expect(maxAbsDiff(logitsOf(model, [[1, 2, 3]]), withAdapters)).toBeLessThan(1e-5);
    model.dispose();
    merged.dispose();
  });
});
