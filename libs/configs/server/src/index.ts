export * from './lib/configs.module';
export * from './lib/configs.service';
export * from './lib/configs.projection';
export * from './lib/config-folder';
export * from './lib/sample-configs';
