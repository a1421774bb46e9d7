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
  /** When set, the runner hands it a batch's handled events at once (e.g. one multi-row insert) instead of calling `apply` per event. */
  applyBatch?(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
}

export type { ProjectionState, ProjectionStatus } from '@camel/contracts';

/**
 * The projection's checkpoint, for queries that hand clients a position to follow the log from.
 * Read it *before* the rows: the rows then reflect at least everything up to it (maybe more, which
 * clients skip by stream version).
 */
export async function readProjectionPosition(db: SqlExecutor, name: string): Promise<number> {
  const rows = await db.query<{ position: string | number }>('SELECT position FROM projection_checkpoints WHERE name = $1', [name]);
  return rows[0] ? Number(rows[0].position) : 0;
}
