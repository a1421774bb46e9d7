export * from './lib/entries';
export * from './lib/pairs';
export * from './lib/formats';
export * from './lib/dataset.decider';
