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
export * from './lib/process/train-loop';
export * from './lib/process/model-folder';
export * from './lib/process/training-job';
