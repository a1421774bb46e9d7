export * from './lib/configs.module';
export * from './lib/configs.commands';
export * from './lib/configs.queries';
export * from './lib/configs.read-model';
export * from './lib/configs.projection';
export * from './lib/config-version.entity';
export * from './lib/config-folder';
export * from './lib/sample-configs';
