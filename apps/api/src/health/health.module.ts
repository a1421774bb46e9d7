import type { Clock } from '@camel/kernel';
import { CLOCK, EventStoreHealthIndicator, ProjectionsHealthIndicator, SecurityRefusals } from '@camel/server';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { SecurityMetricsController } from './security-metrics.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, SecurityMetricsController],
  providers: [
    EventStoreHealthIndicator,
    ProjectionsHealthIndicator,
    // Counts the security log's lines; the global exception filter records into it (bootstrap.ts).
    { provide: SecurityRefusals, inject: [CLOCK], useFactory: (clock: Clock) => new SecurityRefusals(clock.now()) },
  ],
  exports: [SecurityRefusals],
})
export class HealthModule {}
