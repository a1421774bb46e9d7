export * from './lib/url-policy';
export * from './lib/signature';
export * from './lib/webhook.decider';
