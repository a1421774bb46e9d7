// Training runs' domain: the training-run decider, hyperparameter validation, the step schedule.
// See docs/training.md.
export {};
