// Training runs' server wiring: commands, the training queue (BullMQ or in-process), the training
// process, checkpoints. See docs/training.md.
export * from './lib/training-run.entities';
export * from './lib/training-runs.projection';
export * from './lib/training-runs.read-model';
export * from './lib/training-runs.commands';
export * from './lib/training-runs.queries';
export * from './lib/training.module';
export * from './lib/queue/training-queue';
export * from './lib/queue/training-runner';
export * from './lib/queue/in-process-training-queue';
export * from './lib/queue/bullmq-training-queue';
export * from './lib/queue/training-processor';
// The training loop loads TensorFlow.js: only the training process and the CLI's `train` load it, on use.
export type { TextPair, TrainingSetup, StepReport, TrainingOutcome } from './lib/process/train-loop';
export type { ModelCardFacts } from './lib/process/model-folder';
export type { TrainingJobSpec, TrainingMessage } from './lib/process/training-job';
export const loadTrainingJob = () => import('./lib/process/training-job');
