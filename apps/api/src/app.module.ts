import { AppConfigModule, EventStoreModule, ProjectionsModule, RequestContextMiddleware } from '@camel/server';
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ConfigsModule } from '@camel/configs/server';
import { HealthModule } from './health/health.module';
import { IdentityModule } from '@camel/identity/server';
import { LiveEventsModule } from './live/live-events.module';
import { API_PROJECTIONS } from './projections';
import { ProjectsModule } from '@camel/projects/server';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    EventStoreModule,
    CqrsModule.forRoot(),
    ProjectionsModule.forRoot({ projections: API_PROJECTIONS, run: true }),
    IdentityModule,
    HealthModule,
    ProjectsModule,
    ConfigsModule,
    LiveEventsModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
