import { AppConfigModule, EventStoreModule, ProjectionsModule, RequestContextMiddleware } from '@camel/server';
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ConfigsModule } from './configs/configs.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { LiveEventsModule } from './live/live-events.module';
import { API_PROJECTIONS } from './projections';
import { ProjectsModule } from './projects/projects.module';

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
