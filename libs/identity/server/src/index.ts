export * from './lib/identity.module';
export * from './lib/identity.service';
export * from './lib/identity.projection';
export * from './lib/audit.projection';
export * from './lib/credentials';
export * from './lib/access.guard';
export * from './lib/audit.queries';
