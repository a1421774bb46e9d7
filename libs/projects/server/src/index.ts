export * from './lib/projects.commands';
export * from './lib/projects.queries';
export * from './lib/projects.projection';
export * from './lib/projects.module';
export * from './lib/projects.read-model';
export * from './lib/project.entity';
