// The domain kernel: what every pure context needs and nothing that loads a database driver.
export * from './lib/decider';
export * from './lib/uuid';
