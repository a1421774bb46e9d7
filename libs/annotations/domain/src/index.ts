// The annotations context's pure core: annotation, label-set, queue and queue-item deciders, the blind rule, agreement statistics.
export * from './lib/value';
export * from './lib/annotation.decider';
export * from './lib/label-set.decider';
export * from './lib/queue.decider';
export * from './lib/queue-item.decider';
export * from './lib/blind';
export * from './lib/agreement';
export * from './lib/agreement-report';
export * from './lib/judge';
