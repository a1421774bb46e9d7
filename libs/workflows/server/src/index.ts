export {};
export * from './lib/providers';
