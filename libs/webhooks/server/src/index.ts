export * from './lib/webhook.entity';
export * from './lib/webhooks.projection';
export * from './lib/webhooks.read-model';
export * from './lib/webhook-store';
export * from './lib/webhooks.config';
export * from './lib/webhooks.commands';
export * from './lib/webhooks.queries';
export * from './lib/webhooks.module';
