// The model registry's server wiring: model folders on disk, the registry read model, the local
// provider's model host, and OpenAI-compatible serving (/v1). See docs/training.md.
export * from './lib/model-catalog';
export * from './lib/model.entities';
export * from './lib/model-files';
export * from './lib/model-registry';
export * from './lib/models.projection';
export * from './lib/models.read-model';
export * from './lib/models.commands';
export * from './lib/models.queries';
export * from './lib/model-registry.module';
export * from './lib/models.module';
export * from './lib/local/generation-protocol';
export * from './lib/local/model-host';
export * from './lib/local/local-chat-provider';
export * from './lib/local/local-model-host';
export * from './lib/local/local-models.module';
export * from './lib/serving/openai-errors';
export * from './lib/serving/chat-completions';
export * from './lib/serving/serving.controller';
