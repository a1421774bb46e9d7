export * from './lib/projects/project.decider';
