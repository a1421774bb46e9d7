import type { DatasetSelection, DatasetSplitSpec } from '@camel/contracts';
import type { Materialized } from '@camel/datasets';

/** What identifies a snapshot's pairs: the same dataset, selection, position and split always materialize the same pairs. */
export interface SnapshotKey {
  readonly datasetId: string;
  readonly selection: DatasetSelection;
  readonly logPosition: number;
  readonly split: DatasetSplitSpec;
}

const keyOf = (key: SnapshotKey): string => JSON.stringify([key.datasetId, key.logPosition, key.selection, key.split.testRatio, key.split.seed]);

/**
 * Hands the pairs a snapshot's command handler materialized (to record their hash and counts) to
 * the datasets projection that writes them, so a snapshot reads the runs' streams once. Only in
 * this process and only while the command runs: the handler offers before appending and withdraws
 * once the command returned; a projection that finds nothing (a rebuild, another replica, a wait
 * that timed out) materializes from the log itself, which gives the same pairs. A hand-off whose
 * content hash is not the event's is never used.
 */
export class SnapshotHandoff {
  private readonly offered = new Map<string, Materialized>();

  offer(key: SnapshotKey, made: Materialized): void {
    this.offered.set(keyOf(key), made);
  }

  /** The offered pairs of the event, once (removed when taken); undefined when none or another hash. */
  take(key: SnapshotKey, contentHash: string): Materialized | undefined {
    const id = keyOf(key);
    const made = this.offered.get(id);
    if (!made) return undefined;
    this.offered.delete(id);
    return made.contentHash === contentHash ? made : undefined;
  }

  /** Withdraws this offer if still there (not one a concurrent identical request made since). */
  withdraw(key: SnapshotKey, made: Materialized): void {
    const id = keyOf(key);
    if (this.offered.get(id) === made) this.offered.delete(id);
  }

  get size(): number {
    return this.offered.size;
  }
}

/** The process's hand-off between the snapshot handler and the datasets projection (both in this lib). */
export const snapshotHandoff = new SnapshotHandoff();
