import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_CONFIG } from '../tokens';
import { loadConfig, type AppConfig } from './app-config';

/** @nestjs/config with the validated schema; the typed result is injectable as APP_CONFIG. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: false,
      envFilePath: '.env',
      validate: (raw) => ({ ...raw, __app: loadConfig(raw as Record<string, string | undefined>) }),
    }),
  ],
  providers: [
    {
      provide: APP_CONFIG,
      inject: [ConfigService],
      useFactory: (config: ConfigService): AppConfig => config.getOrThrow<AppConfig>('__app'),
    },
  ],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
