import { must } from '../testing/fixtures';
import { encodeChat, encodeReply } from './chat';
import { generate } from './generate';
import { LlamaModel, type LlamaConfig } from './model';
import { DPO_METRICS, precomputeReferenceLogps, type PreferencePair, type SftExample } from './objectives';
import { Rng } from './rng';
import { initBackend, tf } from './tf';
import { trainBpe } from './tokenizer';
import { Trainer, type TrainerOptions } from './trainer';

const config: LlamaConfig = { vocabSize: 32, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 32, rmsNormEps: 1e-6, ropeTheta: 10000, tieEmbeddings: true };
const PAD = 0;

/** Chosen replies are even token ids, rejected odd ones: a property a sample shows or not. */
function preferenceSet(count: number, seed: number): PreferencePair[] {
  const rng = new Rng(seed);
  const token = () => 2 + Math.floor(rng.next() * 30);
  const even = () => 2 + 2 * Math.floor(rng.next() * 15);
  return Array.from({ length: count }, () => ({
    prompt: [1, token(), token(), token()],
    chosen: [even(), even(), even()],
    rejected: [even() + 1, even() + 1, even() + 1],
  }));
}

const weightsOf = (model: LlamaModel): Map<string, Float32Array> => new Map([...model.toTensors()].map(([k, v]) => [k, v.data]));

const sameWeights = (a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean =>
  [...a].every(([name, data]) => data.every((x, i) => x === b.get(name)?.[i]));

describe('the Trainer', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('refuses an empty batch and bad optimizer settings', () => {
    const model = LlamaModel.random(config, 1);
    expect(() => new Trainer(model, { objective: { kind: 'sft' }, optimizer: { learningRate: -1 }, pad: PAD })).toThrow(/learningRate/);
    const trainer = new Trainer(model, { objective: { kind: 'sft' }, optimizer: { learningRate: 1e-3 }, pad: PAD });
    expect(() => trainer.step([])).toThrow(/empty batch/);
    const withoutReference = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, optimizer: { learningRate: 1e-3 }, pad: PAD });
    expect(() => withoutReference.step(preferenceSet(1, 1))).toThrow(/reference/);
    withoutReference.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('micro-batches accumulate to the whole batch\'s update and metrics (DPO by pairs, SFT by completion tokens)', () => {
    const pairs = precomputeReferenceLogps(LlamaModel.random(config, 4), preferenceSet(5, 6), PAD);
    const examples: SftExample[] = preferenceSet(5, 7).map((p, i) => ({ prompt: p.prompt, completion: p.chosen.slice(0, 1 + (i % 3)) }));
    const cases: [TrainerOptions['objective'], readonly PreferencePair[] | readonly SftExample[]][] = [
      [{ kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, pairs],
      [{ kind: 'sft' }, examples],
    ];
    for (const [objective, batch] of cases) {
      const run = (microBatch?: number) => {
        const model = LlamaModel.random(config, 4);
        const trainer = new Trainer(model, { objective, optimizer: { learningRate: 1e-2 }, pad: PAD, microBatch });
        const tensors = tf.memory().numTensors;
        const result = trainer.step(batch);
        expect(tf.memory().numTensors).toBe(tensors);
        const weights = weightsOf(model);
        trainer.dispose();
        model.dispose();
        return { result, weights };
      };
      const whole = run();
      const split = run(2);
      expect(split.result.gradNorm).toBeCloseTo(whole.result.gradNorm, 4);
      for (const [name, value] of Object.entries(whole.result.metrics)) expect(split.result.metrics[name]).toBeCloseTo(value, 4);
      for (const [name, data] of whole.weights) data.forEach((x, i) => expect(split.weights.get(name)?.[i]).toBeCloseTo(x, 5));
    }
  });

  it('SFT lowers the training loss, and a step does not grow the tensor count', () => {
    const model = LlamaModel.random(config, 1);
    const trainer = new Trainer(model, { objective: { kind: 'sft' }, optimizer: { learningRate: 3e-3, maxGradNorm: 1 }, pad: PAD });
    const batch: SftExample[] = preferenceSet(8, 2).map((p) => ({ prompt: p.prompt, completion: p.chosen }));
    const first = trainer.step(batch);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = trainer.step(batch);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last.step).toBe(16);
    expect(last.tokens).toBe(8 * 7);
    expect(last.metrics['loss']).toBeLessThan(first.metrics['loss'] * 0.8);
    trainer.dispose();
    model.dispose();
  });

  it('resumed from a checkpoint, a run ends with the same weights as an uninterrupted run (full fine-tune and LoRA)', () => {
    const pairs = preferenceSet(12, 3);
    const batches = [0, 4, 8, 0, 4, 8].map((i) => pairs.slice(i, i + 4));
    for (const lora of [false, true]) {
      const setup = (): { model: LlamaModel; trainer: Trainer } => {
        const model = LlamaModel.random(config, 5);
        if (lora) model.addLora({ rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'up_proj'] }, 6);
        const reference: TrainerOptions['reference'] = lora ? 'base' : model.clone();
        const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, optimizer: { learningRate: 1e-2, weightDecay: 0.01 }, schedule: { warmupSteps: 2, kind: 'linear', totalSteps: 6 }, pad: PAD, reference });
        return { model, trainer };
      };
      const straight = setup();
      for (const b of batches) straight.trainer.step(b);

      const first = setup();
      for (const b of batches.slice(0, 3)) first.trainer.step(b);
      const files = first.trainer.checkpoint();
      expect(files.weights.name).toBe(lora ? 'adapter_model.safetensors' : 'model.safetensors');
      first.trainer.dispose();
      first.model.dispose();

      const resumed = setup();
      resumed.trainer.restore(files);
      expect(resumed.trainer.completedSteps).toBe(3);
      for (const b of batches.slice(3)) resumed.trainer.step(b);
      expect(sameWeights(weightsOf(resumed.model), weightsOf(straight.model))).toBe(true);
      if (lora) expect(resumed.model.adapterTensors()).toEqual(straight.model.adapterTensors());
      for (const run of [straight, resumed]) {
        run.trainer.dispose();
        run.model.dispose();
      }
    }
  });

  it('LoRA-DPO trains the adapters alone (the weights stay frozen) against the base as reference', () => {
    const model = LlamaModel.random(config, 8);
    const before = weightsOf(model);
    model.addLora({ rank: 4, alpha: 8, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] }, 1);
    const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, optimizer: { learningRate: 2e-2 }, pad: PAD, reference: 'base' });
    const pairs = preferenceSet(8, 4);
    const first = trainer.step(pairs);
    expect(first.metrics['loss']).toBeCloseTo(Math.log(2), 5);
    let last = first;
    for (let i = 0; i < 10; i++) last = trainer.step(pairs);
    expect(last.metrics['loss']).toBeLessThan(first.metrics['loss']);
    expect(last.metrics['rewards/margins']).toBeGreaterThan(0);
    expect(sameWeights(new Map([...model.weights].map(([k, v]) => [k, (k.endsWith('_proj.weight') ? tf.transpose(v) : v).dataSync() as Float32Array])), before)).toBe(true);
    trainer.dispose();
    model.dispose();
  });

  it('trains on text: multi-turn chat prompts and replies through a trained tokenizer, with TRL\'s metric names', () => {
    const tokenizer = trainBpe('The user asks and the assistant answers briefly. Short answers are better than long ones.', { merges: 20, specialTokens: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] });
    const model = LlamaModel.random({ ...config, vocabSize: tokenizer.vocabSize, maxPositions: 96 }, 16);
    const pairs: PreferencePair[] = [
      { prompt: encodeChat(tokenizer, [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Answer briefly?' }]), chosen: encodeReply(tokenizer, 'Yes.'), rejected: encodeReply(tokenizer, 'Well, it depends on a lot.') },
      { prompt: encodeChat(tokenizer, [{ role: 'system', content: 'Be short.' }, { role: 'user', content: 'Why?' }]), chosen: encodeReply(tokenizer, 'Better.'), rejected: encodeReply(tokenizer, 'Because long answers ramble.') },
    ];
    const pad = must(tokenizer.tokenId('<|endoftext|>'), 'eos');
    const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid', sftWeight: 0.1 }, optimizer: { learningRate: 1e-2 }, pad, reference: model.clone() });
    const first = trainer.step(pairs);
    expect(Object.keys(first.metrics).sort()).toEqual([...DPO_METRICS].sort());
    const second = trainer.step(pairs);
    expect(second.metrics['loss']).toBeLessThan(first.metrics['loss']);
    trainer.dispose();
    model.dispose();
  });

  it('precomputed reference log-probs give the same step as a live reference model', () => {
    const pairs = preferenceSet(6, 9);
    const results = [false, true].map((precompute) => {
      const model = LlamaModel.random(config, 10);
      const reference = LlamaModel.random(config, 11);
      const data = precompute ? precomputeReferenceLogps(reference, pairs, PAD, 4) : pairs;
      const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.2, lossType: 'ipo' }, optimizer: { learningRate: 1e-3 }, pad: PAD, reference: precompute ? undefined : reference });
      const result = trainer.step(data);
      trainer.dispose();
      model.dispose();
      reference.dispose();
      return result.metrics;
    });
    for (const name of Object.keys(results[0])) expect(results[1][name]).toBeCloseTo(results[0][name], 5);
  });

  it('learns a visible preference: held-out reward accuracy ≥ 0.9, and samples show the property more often than the reference', () => {
    const model = LlamaModel.random(config, 12, 0.1);
    const reference = model.clone();
    const train = preferenceSet(64, 13);
    const heldOut = preferenceSet(32, 14);
    const trainer = new Trainer(model, { objective: { kind: 'dpo', beta: 0.1, lossType: 'sigmoid' }, optimizer: { learningRate: 5e-3 }, pad: PAD, reference });
    const rng = new Rng(15);
    for (let epoch = 0; epoch < 3; epoch++) {
      const order = rng.shuffle(train);
      for (let i = 0; i < order.length; i += 8) trainer.step(order.slice(i, i + 8));
    }
    const evaluation = trainer.evaluate(heldOut);
    expect(evaluation['rewards/accuracies']).toBeGreaterThanOrEqual(0.9);
    const evenShare = (m: LlamaModel) => {
      let even = 0;
      let total = 0;
      heldOut.slice(0, 16).forEach((p, i) => {
        for (const id of generate(m, p.prompt, { maxTokens: 3, temperature: 1, seed: i }).ids) {
          total += 1;
          even += id % 2 === 0 ? 1 : 0;
        }
      });
      return even / total;
    };
    expect(evenShare(model)).toBeGreaterThan(evenShare(reference) + 0.1);
    trainer.dispose();
    model.dispose();
    reference.dispose();
  });
});
