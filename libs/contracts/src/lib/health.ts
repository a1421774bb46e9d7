/** What `/health/ready` reports, as the console's Health page reads it. */

export type ProjectionState = 'stopped' | 'running' | 'rebuilding' | 'failing';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  /** Checkpoint: the last position applied. */
  readonly position: number;
  /** Readable events after the checkpoint (counted up to the runner's cap). */
  readonly lag: number;
  readonly lastError?: string;
}

export interface HealthIndicatorReport {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

export interface DatabaseHealth extends HealthIndicatorReport {
  readonly engine: 'postgres' | 'sqlite';
  readonly latencyMs?: number;
  readonly message?: string;
}

export interface ProjectionsHealth extends HealthIndicatorReport {
  readonly maxLag?: number;
  readonly projections?: Readonly<Record<string, ProjectionStatus>>;
  readonly message?: string;
}

/** Terminus' report shape: `details` holds every indicator, up or down. */
export interface ReadinessReport {
  readonly status: 'ok' | 'error' | 'shutting_down';
  readonly details: {
    readonly database?: DatabaseHealth;
    readonly projections?: ProjectionsHealth;
    readonly [indicator: string]: HealthIndicatorReport | undefined;
  };
}
