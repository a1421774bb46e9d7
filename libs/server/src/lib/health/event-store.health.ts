import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, EVENT_STORE, PROJECTION_RUNNER } from '../tokens';

@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly health: HealthIndicatorService,
  ) {}

  /** The database answers, and which engine it is. */
  async database(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('database');
    const started = Date.now();
    try {
      await this.store.db.query('SELECT 1 AS ok');
      return indicator.up({ engine: this.store.engine, latencyMs: Date.now() - started });
    } catch (error) {
      return indicator.down({ engine: this.store.engine, message: (error as Error).message });
    }
  }
}

@Injectable()
export class ProjectionsHealthIndicator {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Every projection is running and no further behind the log than the configured bound. */
  async projections(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('projections');
    try {
      const statuses = await this.runner.status();
      const maxLag = this.config.readyMaxProjectionLag;
      const details = Object.fromEntries(statuses.map((s) => [s.name, s]));
      const unhealthy = statuses.filter((s) => s.state === 'failing' || s.lag > maxLag);
      return unhealthy.length === 0
        ? indicator.up({ maxLag, projections: details })
        : indicator.down({ maxLag, projections: details });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
