export * from './lib/annotations.module';
export * from './lib/annotations.projection';
export * from './lib/annotations.read-model';
export * from './lib/annotation.entities';
export * from './lib/annotations.commands';
export * from './lib/annotations.queries';
export * from './lib/annotation-facts';
export * from './lib/judge-suggestions';
