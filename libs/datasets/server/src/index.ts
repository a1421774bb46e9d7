export * from './lib/dataset.entities';
export * from './lib/datasets.projection';
export * from './lib/datasets.read-model';
export * from './lib/datasets.commands';
export * from './lib/datasets.queries';
export * from './lib/datasets.module';
