import { Logger, Module } from '@nestjs/common';
import { LOCAL_MODELS, ProviderRegistry, type LocalModels } from './provider-registry';

/**
 * The process's one ProviderRegistry: `LLM_*` settings read when the module starts (a bad value stops
 * the process, naming the variable), keys read from the environment on every call, breakers ended
 * at shutdown; `type: local` providers through LOCAL_MODELS when a global module provides it.
 */
@Module({
  providers: [
    {
      provide: ProviderRegistry,
      // LOCAL_MODELS comes from a global module (the model registry's), when the process has one.
      inject: [{ token: LOCAL_MODELS, optional: true }],
      useFactory: (local?: LocalModels) => new ProviderRegistry({ env: process.env, log: new Logger('LlmProviders'), local }),
    },
  ],
  exports: [ProviderRegistry],
})
export class LlmProvidersModule {}
