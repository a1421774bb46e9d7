import { LOCAL_MODELS } from '@camel/workflows/server';
import { Global, Module } from '@nestjs/common';
import { ModelRegistry } from '../model-registry';
import { ModelRegistryModule } from '../model-registry.module';
import { RegistryLocalModels } from './local-chat-provider';
import { LocalModelHost } from './local-model-host';

/**
 * `type: local` providers for this process (the api on the embedded default, every worker): global,
 * so the ProviderRegistry of the workflows context finds LOCAL_MODELS without importing the
 * registry (which depends on the workflows context).
 */
@Global()
@Module({
  imports: [ModelRegistryModule],
  providers: [
    LocalModelHost,
    { provide: LOCAL_MODELS, inject: [ModelRegistry, LocalModelHost], useFactory: (registry: ModelRegistry, host: LocalModelHost) => new RegistryLocalModels(registry, host) },
  ],
  exports: [LOCAL_MODELS, LocalModelHost],
})
export class LocalModelsModule {}
