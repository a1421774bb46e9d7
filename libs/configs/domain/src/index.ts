export * from './lib/config-schema';
export * from './lib/parse-config';
export * from './lib/references';
export * from './lib/config-set';
export * from './lib/config-set.decider';
export * from './lib/diff';
export * from './lib/bundle';
