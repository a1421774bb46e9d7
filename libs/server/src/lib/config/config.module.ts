import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_CONFIG } from '../tokens';
import { loadConfig, type AppConfig } from './app-config';

/**
 * @nestjs/config with the validated schema; the typed result is injectable as APP_CONFIG.
 * `forRoot()` reads the environment when the application module is composed, not when this
 * library is first imported, so a process (or test) sets its environment before building the app.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          envFilePath: '.env',
          cache: false,
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
    };
  }
}
