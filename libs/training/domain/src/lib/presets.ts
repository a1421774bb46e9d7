import { TRAINING_DEFAULTS, type TrainingPreset } from '@camel/contracts';

/** What the console's launch form offers (GET /api/training/presets); every one passes validLaunch. */
export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    id: 'dpo-lora-quick',
    label: 'DPO LoRA quick',
    description: 'LoRA rank 8 on the attention projections, one epoch, sigmoid DPO at β 0.1 with precomputed reference log-probs: minutes on a CPU for a few hundred pairs. For a base of 100M+ parameters set micro-batch 1 (gradient accumulation): the update stays the batch’s, the memory one pair’s.',
    method: 'dpo',
    lora: { rank: 8, alpha: 16, targets: ['q_proj', 'v_proj'] },
    hyperparameters: { ...TRAINING_DEFAULTS, epochs: 1, batchSize: 8, learningRate: 5e-4, checkpointEvery: 20 },
  },
  {
    id: 'dpo-full',
    label: 'DPO full',
    description: 'Every weight trained, three epochs, sigmoid DPO at β 0.1 against a frozen reference: best for small models; memory is about three copies of the weights.',
    method: 'dpo',
    lora: null,
    hyperparameters: { ...TRAINING_DEFAULTS, epochs: 3, batchSize: 8, learningRate: 5e-5, weightDecay: 0.01, warmupSteps: 10, checkpointEvery: 50 },
  },
  {
    id: 'sft-lora',
    label: 'SFT LoRA',
    description: 'Supervised fine-tuning on the chosen replies with LoRA rank 16 on every projection, two epochs: teaches a style before DPO.',
    method: 'sft',
    lora: { rank: 16, alpha: 32, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    hyperparameters: { ...TRAINING_DEFAULTS, epochs: 2, batchSize: 8, learningRate: 2e-4, checkpointEvery: 50 },
  },
];
