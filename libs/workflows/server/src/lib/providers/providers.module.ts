import { Logger, Module } from '@nestjs/common';
import { ProviderRegistry } from './provider-registry';

/**
 * The process's one ProviderRegistry: `LLM_*` settings read when the module starts (a bad value stops
 * the process, naming the variable), keys read from the environment on every call, breakers ended
 * at shutdown.
 */
@Module({
  providers: [
    { provide: ProviderRegistry, useFactory: () => new ProviderRegistry({ env: process.env, log: new Logger('LlmProviders') }) },
  ],
  exports: [ProviderRegistry],
})
export class LlmProvidersModule {}
