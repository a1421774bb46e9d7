import { AppConfigModule, EventStoreHealthIndicator, EventStoreModule } from '@camel/server';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WorkerHealthController } from './worker-health.controller';

/**
 * The queue worker. Its job processors (workflow runs, training) arrive with their issues; today it
 * connects to the event store and reports health, so deployments and probes are in place.
 */
@Module({
  imports: [AppConfigModule.forRoot(), EventStoreModule, TerminusModule.forRoot({ logger: false })],
  controllers: [WorkerHealthController],
  providers: [EventStoreHealthIndicator],
})
export class WorkerModule {}
