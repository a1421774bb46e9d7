import { ApiExceptionFilter, APP_CONFIG, type AppConfig, createValidationPipe, jwtKeySpec, loadConfig, resolveKey, SecurityRefusals, securityHeaders } from '@camel/server';
import { Logger, RequestMethod, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiLogger } from './api-logger';
import { AppModule } from './app.module';
import { serveConsole } from './console-static';
import { SampleConfigs } from '@camel/configs/server';
import { FirstOwner } from '@camel/identity/server';
import { OpenAiExceptionFilter } from '@camel/models/server';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The api as main.ts and the tests start it: same prefix, pipes, filters and OpenAPI document. */
export async function createApiApp(options: { logger?: false } = {}): Promise<INestApplication> {
  // Missing signing keys stop the start before any connection or subscription is opened.
  resolveKey(jwtKeySpec(loadConfig(process.env)));
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    logger: options.logger,
    // JsonBodyMiddleware parses bodies instead: JSON only, limits per route (AppModule).
    bodyParser: false,
  });
  const config = app.get<AppConfig>(APP_CONFIG);
  if (options.logger !== false) app.useLogger(new ApiLogger(LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1)));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      // OpenAI-compatible serving answers where OpenAI's clients look (base URL …/v1).
      { path: 'v1/models', method: RequestMethod.GET },
      { path: 'v1/chat/completions', method: RequestMethod.POST },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  // `/v1` answers OpenAI's error shape, also for what is refused before routing (body, unknown route).
  app.useGlobalFilters(new ApiExceptionFilter(app.get(SecurityRefusals), [{ prefix: '/v1', filter: new OpenAiExceptionFilter() }]));
  app.enableShutdownHooks();
  if (config.auth.trustProxy) app.set('trust proxy', trustProxySetting(config.auth.trustProxy));
  app.disable('x-powered-by');
  for (const middleware of securityHeaders()) app.use(middleware);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CAMEL Extensions API')
      .setDescription('Commands append events; queries read projections. Every error has the ApiError shape.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API key (camel_…)' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  if (config.consoleDir) serveConsole(app, config.consoleDir, new Logger('Console'));
  await app.init();
  await app.get(FirstOwner).ensure();
  await app.get(SampleConfigs).importAtFirstStart();
  return app;
}

/** `TRUST_PROXY`: a hop count, true/false, or addresses/subnets (Express syntax). */
function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
