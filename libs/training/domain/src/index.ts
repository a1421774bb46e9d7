// Training runs' domain: the training-run decider, hyperparameter validation, the step schedule.
// See docs/training.md.
export * from './lib/launch';
export * from './lib/presets';
export * from './lib/schedule';
export * from './lib/training-run.decider';
