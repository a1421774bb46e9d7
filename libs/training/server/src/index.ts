// Training runs' server wiring: commands, the training queue (BullMQ or in-process), the training
// process, checkpoints. See docs/training.md.
export {};
