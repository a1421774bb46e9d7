import type { RecordedEvent } from '@camel/contracts';
import type { SqlExecutor } from '../sql/database';

/**
 * A read model fed by the event log. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, so a crash never loses or doubles an effect. Bump `version` when the
 * tables or the apply logic change: the runner then rebuilds the projection from position 0.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /** Tables this projection owns; dropped and recreated on rebuild. */
  readonly tables: readonly string[];
  /** When set, only these event types reach `apply` (the checkpoint still advances past others). */
  readonly eventTypes?: readonly string[];
  createSchema(tx: SqlExecutor): Promise<void>;
  apply(tx: SqlExecutor, event: RecordedEvent): Promise<void>;
}

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
