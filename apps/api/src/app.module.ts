import { JsonBodyMiddleware, RequestContextMiddleware } from '@camel/server';
import { RunDeltaSubscriber } from '@camel/workflows/server';
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { contextModules } from './contexts';
import { HealthModule } from './health/health.module';
import { LiveEventsModule } from './live/live-events.module';

@Module({
  imports: [...contextModules({ followLog: true }), HealthModule, LiveEventsModule],
  // With REDIS_URL the workers generate: their token deltas reach this process's sockets through Redis.
  providers: [RunDeltaSubscriber],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware, JsonBodyMiddleware).forRoutes('{*path}');
  }
}
