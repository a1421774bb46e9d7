export * from './lib/config-schema';
export * from './lib/parse-config';
export * from './lib/references';
