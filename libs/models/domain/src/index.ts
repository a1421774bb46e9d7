// The model registry's domain: model decider (register, tag, untag, archive) and lineage rules.
// See docs/training.md.
export * from './lib/model.decider';
