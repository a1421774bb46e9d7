import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expected, maxAbsDiff, TINY_LLAMA } from '../testing/fixtures';
import { generate, generateTokens, GenerationError, sampleToken } from './generate';
import { loadAdapter, loadHfModel, saveAdapter, saveHfModel } from './hf';
import { LlamaModel, type LlamaConfig } from './model';
import { Rng } from './rng';
import { initBackend, tf } from './tf';

const config: LlamaConfig = { vocabSize: 48, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 2, numKvHeads: 1, maxPositions: 40, rmsNormEps: 1e-6, ropeTheta: 10000, tieEmbeddings: true };

describe('generation and the Hugging Face folder', () => {
  let model: LlamaModel;
  beforeAll(async () => {
    await initBackend();
    model = LlamaModel.random(config, 4, 0.5);
  });
  afterAll(() => model.dispose());

  it('greedy decoding with the KV cache gives the ids of decoding without it, and frees the cache', () => {
    const before = tf.memory().numTensors;
    const cached = generate(model, [1, 2, 3], { maxTokens: 12 });
    const uncached = generate(model, [1, 2, 3], { maxTokens: 12, useCache: false });
    expect(cached.ids).toHaveLength(12);
    expect(cached.ids).toEqual(uncached.ids);
    expect(cached.finishReason).toBe('length');
    expect(tf.memory().numTensors).toBe(before);
    // Stopping early (a consumer that stops reading) frees the cache too.
    const it = generateTokens(model, [1, 2, 3], { maxTokens: 12 });
    it.next();
    it.return('stop');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samples with temperature, top-k and top-p, reproducibly from a seed', () => {
    const a = generate(model, [5, 6], { maxTokens: 10, temperature: 1.5, seed: 3 });
    expect(generate(model, [5, 6], { maxTokens: 10, temperature: 1.5, seed: 3 }).ids).toEqual(a.ids);
    expect(generate(model, [5, 6], { maxTokens: 10, temperature: 1.5, topK: 1, seed: 9 }).ids).toEqual(generate(model, [5, 6], { maxTokens: 10 }).ids);
    const logits = new Float32Array([0, 3, 2.9, -1, 1]);
    const rng = new Rng(1);
    const seen = new Set(Array.from({ length: 200 }, () => sampleToken(logits, { maxTokens: 1, temperature: 1, topK: 2 }, rng)));
    expect([...seen].sort()).toEqual([1, 2]);
    // top-p 0.5: token 1 holds 0.47 of the mass, so the nucleus is tokens 1 and 2 (0.90).
    const nucleus = new Set(Array.from({ length: 200 }, () => sampleToken(logits, { maxTokens: 1, temperature: 1, topP: 0.5 }, rng)));
    expect([...nucleus].sort()).toEqual([1, 2]);
    expect(() => generate(model, [1], { maxTokens: 0 })).toThrow(GenerationError);
    expect(() => generate(model, [1], { maxTokens: 3, topP: 0 })).toThrow(/topP/);
  });

  it('ends at a stop token or a stop string, and at the model\'s last position', () => {
    const free = generate(model, [1, 2], { maxTokens: 8 });
    const stopId = free.ids[3];
    const stopped = generate(model, [1, 2], { maxTokens: 8, stopTokens: [stopId] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.ids).toEqual(free.ids.slice(0, free.ids.indexOf(stopId)));
    const decode = (ids: readonly number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join('');
    const text = decode(free.ids);
    const withStop = generate(model, [1, 2], { maxTokens: 8, stop: [text.slice(2, 4)], decode });
    expect(withStop.finishReason).toBe('stop');
    expect(withStop.text).toBe(text.slice(0, text.indexOf(text.slice(2, 4))));
    expect(generate(model, Array.from({ length: 38 }, () => 1), { maxTokens: 10 }).ids).toHaveLength(2);
  });

  it('exports the folder back (config, safetensors, tokenizer) and reloads it to the same logits; LoRA adapters save apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-hf-'));
    try {
      const { model: tiny, tokenizer } = loadHfModel(TINY_LLAMA);
      const ids = tf.tensor2d(expected().logits_ids, undefined, 'int32');
      const original = tf.tidy(() => tiny.forward(ids).dataSync());
      saveHfModel(join(dir, 'copy'), { model: tiny, tokenizer });
      const copy = loadHfModel(join(dir, 'copy'));
      expect(maxAbsDiff(tf.tidy(() => copy.model.forward(ids).dataSync()), original)).toBe(0);
      expect(copy.tokenizer.encode('The agents')).toEqual(tokenizer.encode('The agents'));
      expect(JSON.parse(readFileSync(join(dir, 'copy', 'config.json'), 'utf8'))).toMatchObject({ model_type: 'llama', tie_word_embeddings: true, num_key_value_heads: 2 });

      tiny.addLora({ rank: 2, alpha: 4, targets: ['q_proj', 'o_proj'] }, 3);
      const adapters = tiny.adapterTensors();
      for (const [name, t] of adapters) if (name.endsWith('lora_B.weight')) t.data.fill(0.05);
      tiny.loadAdapterTensors(adapters);
      const adapted = tf.tidy(() => tiny.forward(ids).dataSync());
      saveAdapter(join(dir, 'adapter'), tiny, 'tiny-llama');
      const base = loadHfModel(TINY_LLAMA).model;
      loadAdapter(join(dir, 'adapter'), base);
      expect(maxAbsDiff(tf.tidy(() => base.forward(ids).dataSync()), adapted)).toBeLessThan(1e-6);
      saveHfModel(join(dir, 'merged'), { model: base, tokenizer });
      const merged = loadHfModel(join(dir, 'merged')).model;
      expect(maxAbsDiff(tf.tidy(() => merged.forward(ids).dataSync()), adapted)).toBeLessThan(1e-4);
      for (const m of [tiny, copy.model, base, merged]) m.dispose();
      ids.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
