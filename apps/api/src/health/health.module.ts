import { EventStoreHealthIndicator, ProjectionsHealthIndicator } from '@camel/server';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [EventStoreHealthIndicator, ProjectionsHealthIndicator],
})
export class HealthModule {}
