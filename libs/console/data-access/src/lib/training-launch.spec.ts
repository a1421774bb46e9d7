import { TRAINING_DEFAULTS, type TrainingPreset } from '@camel/contracts';
import { applyPreset, emptyLaunchForm, fieldMessage, formatEta, launchProblems, launchRequest, type LaunchForm } from './training-launch';

const valid: LaunchForm = { ...emptyLaunchForm(), modelName: 'support-dpo', datasetId: 'd1', datasetVersion: 2, baseModel: 'starter' };

describe('training launch form', () => {
  it('names each field the api would refuse', () => {
    expect(launchProblems(valid).size).toBe(0);
    const problems = launchProblems({
      ...valid,
      modelName: 'Not Valid',
      datasetVersion: 0,
      hyperparameters: { ...TRAINING_DEFAULTS, epochs: 0, learningRate: Number.NaN, lossType: 'robust', labelSmoothing: 0.5 },
      loraEnabled: true,
      lora: { rank: 0, alpha: 16, targets: [] },
    });
    expect([...problems.keys()].sort()).toEqual(
      ['datasetVersion', 'hyperparameters.epochs', 'hyperparameters.labelSmoothing', 'hyperparameters.learningRate', 'lora.rank', 'lora.targets', 'modelName'].sort(),
    );
    expect(fieldMessage(problems, 'lora')).toBe(problems.get('lora.rank'));
    // A micro-batch is 0 (the whole batch) up to the batch size.
    const micro = (microBatch: number, batchSize = 8) => launchProblems({ ...valid, hyperparameters: { ...TRAINING_DEFAULTS, batchSize, microBatch } }).has('hyperparameters.microBatch');
    expect([micro(0), micro(1), micro(8), micro(9), micro(-1), micro(1.5), micro(4, 2)]).toEqual([false, false, false, true, true, true, true]);
    // SFT has no DPO arguments to check.
    expect(launchProblems({ ...valid, method: 'sft', hyperparameters: { ...TRAINING_DEFAULTS, beta: 0 } }).size).toBe(0);
  });

  it('fills the form from a preset and sends DPO arguments for DPO only', () => {
    const preset: TrainingPreset = {
      id: 'lora-dpo',
      label: 'LoRA DPO',
      description: '',
      method: 'dpo',
      lora: { rank: 4, alpha: 8, targets: ['q_proj'] },
      hyperparameters: { ...TRAINING_DEFAULTS, epochs: 3, beta: 0.2 },
    };
    const filled = applyPreset(valid, preset);
    expect(filled).toMatchObject({ modelName: 'support-dpo', loraEnabled: true, lora: preset.lora, presetId: 'lora-dpo', hyperparameters: { epochs: 3, beta: 0.2 } });
    expect(launchRequest(filled)).toMatchObject({ method: 'dpo', lora: preset.lora, hyperparameters: { epochs: 3, beta: 0.2, lossType: 'sigmoid', microBatch: 0 } });
    const sft = launchRequest({ ...filled, method: 'sft', loraEnabled: false, seed: 7 });
    expect(sft.lora).toBeUndefined();
    expect(sft.seed).toBe(7);
    expect(sft.hyperparameters).not.toHaveProperty('beta');
  });

  it('says an ETA in words', () => {
    expect([formatEta(null), formatEta(40), formatEta(200), formatEta(3900)]).toEqual(['—', '40 s', '3 min 20 s', '1 h 5 min']);
  });
});
