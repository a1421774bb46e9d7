import type { RecordedEvent } from '@camel/contracts';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { EventStore, Subscription } from '../types';
import { PROJECTION_MIGRATIONS } from './migrations';
import type { Projection, ProjectionState, ProjectionStatus } from './projection';

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Lag is counted up to this many events (counting further costs and tells nothing more). */
  readonly lagCap?: number;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
  /**
   * A batch with no event the projection handles moves its position in memory only; the checkpoint
   * row follows at the next batch it handles, or this long after (ms), or when the runner stops.
   */
  readonly checkpointDelayMs?: number;
}

export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
}

/** Another process (a replica, or the rebuild CLI) moved the checkpoint: resume from where it is. */
class CheckpointMovedError extends Error {
  constructor(name: string, expected: number, actual: number | undefined) {
    super(`projection ${name}: checkpoint moved from ${expected} to ${actual ?? 'nothing'}`);
  }
}

interface Entry {
  readonly projection: Projection;
  readonly relevant: ReadonlySet<string> | null;
  state: ProjectionState;
  /** Applied up to here (batches without a handled event included). */
  position: number;
  /** The checkpoint row as this runner last wrote or read it (≤ position). */
  persisted: number;
  /** Batches and checkpoint writes of this projection, one at a time. */
  chain: Promise<void>;
  checkpointTimer: NodeJS.Timeout | null;
  subscription: Subscription | null;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
  lastError?: string;
}

interface CheckpointRow extends Record<string, unknown> {
  position: number;
  version: number;
}

interface Waiter {
  readonly position: number;
  readonly names: readonly string[];
  readonly resolve: (reached: boolean) => void;
}

/**
 * Runs projections as catch-up subscriptions. Each batch is applied in one transaction together with
 * the checkpoint update, after checking (row-locked on PostgreSQL) that the checkpoint is still where
 * this runner left it, so replicas and a concurrent rebuild never apply an event twice.
 */
export class ProjectionRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private readonly batchSize: number;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log ?? ((message, error) => console.error(message, error ?? ''));
    for (const projection of projections) {
      if (this.entries.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
      this.entries.set(projection.name, {
        projection,
        relevant: projection.eventTypes ? new Set(projection.eventTypes) : null,
        state: 'stopped',
        position: 0,
        persisted: 0,
        chain: Promise.resolve(),
        checkpointTimer: null,
        subscription: null,
        retryTimer: null,
        failures: 0,
      });
    }
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  /** Creates checkpoint storage and every projection's tables (rebuilding those whose version changed). */
  async prepare(): Promise<void> {
    await migrate(this.store.db, 'projections', PROJECTION_MIGRATIONS);
    for (const entry of this.entries.values()) {
      const { projection } = entry;
      await this.store.db.transaction(async (tx) => {
        const row = await this.lockCheckpoint(tx, projection.name);
        if (!row || row.version !== projection.version) {
          if (row) this.log(`projection ${projection.name}: version ${row.version} → ${projection.version}, rebuilding`);
          await this.reset(tx, projection);
        } else {
          await projection.createSchema(tx);
        }
      });
      entry.position = entry.persisted = await this.readCheckpoint(projection.name);
    }
  }

  async start(): Promise<void> {
    await this.prepare();
    this.running = true;
    for (const entry of this.entries.values()) this.run(entry);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.entries.values()].map((entry) => this.halt(entry)));
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  /** Resolves true once the named projections (default: all) have applied `position`, false on timeout. */
  waitFor(position: number, options: { names?: readonly string[]; timeoutMs?: number } = {}): Promise<boolean> {
    const names = options.names ?? this.names;
    if (this.reached(position, names)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, options.timeoutMs ?? 5000);
      const waiter: Waiter = {
        position,
        names,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      this.waiters.add(waiter);
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const rows = await this.store.db.query<{ name: string; position: number }>(
      'SELECT name, position FROM projection_checkpoints',
    );
    const checkpoints = new Map(rows.map((row) => [row.name, Number(row.position)]));
    return Promise.all(
      [...this.entries.values()].map(async (entry) => {
        const position = checkpoints.get(entry.projection.name) ?? 0;
        return {
          name: entry.projection.name,
          version: entry.projection.version,
          state: entry.state,
          position: Math.max(position, entry.position),
          lag: await this.store.countAfter(Math.max(position, entry.position), this.options.lagCap ?? 10_000),
          ...(entry.lastError ? { lastError: entry.lastError } : {}),
        };
      }),
    );
  }

  /** Drops the projection's tables, recreates them and replays the whole log; live again afterwards. */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`unknown projection ${name}; known: ${this.names.join(', ')}`);
    await this.halt(entry);
    entry.state = 'rebuilding';
    try {
      await this.store.db.transaction(async (tx) => {
        await this.lockCheckpoint(tx, name);
        await this.reset(tx, entry.projection);
      });
      entry.position = entry.persisted = 0;
      const total = await this.store.countAfter(0, Number.MAX_SAFE_INTEGER);
      let done = 0;
      onProgress?.({ done, total });
      for (;;) {
        const batch = await this.store.readAll({ after: entry.position, limit: Math.max(this.batchSize, 1000) });
        if (batch.length === 0) break;
        await this.applyBatch(entry, batch);
        done += batch.length;
        onProgress?.({ done, total: Math.max(total, done) });
      }
      await this.writeCheckpoint(entry);
      return { done, total: Math.max(total, done) };
    } finally {
      entry.state = 'stopped';
      if (this.running) this.run(entry);
    }
  }

  private run(entry: Entry): void {
    entry.state = entry.failures > 0 ? 'failing' : 'running';
    entry.subscription = this.store.subscribe(
      {
        after: entry.position,
        batchSize: this.batchSize,
        pollIntervalMs: this.options.pollIntervalMs,
        onError: (error) => void this.onFailure(entry, error),
      },
      (batch) => this.applyBatch(entry, batch),
    );
  }

  private async halt(entry: Entry): Promise<void> {
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.retryTimer = null;
    const subscription = entry.subscription;
    entry.subscription = null;
    await subscription?.stop();
    await this.writeCheckpoint(entry).catch((error: unknown) => this.log(`projection ${entry.projection.name}: checkpoint not written at stop`, error));
    entry.state = 'stopped';
  }

  private async onFailure(entry: Entry, error: unknown): Promise<void> {
    entry.subscription = null;
    if (!this.running || entry.state === 'rebuilding') return;
    let delay = 0;
    if (!(error instanceof CheckpointMovedError)) {
      entry.failures += 1;
      entry.state = 'failing';
      entry.lastError = error instanceof Error ? error.message : String(error);
      delay = Math.min((this.options.retryDelayMs ?? 500) * 2 ** (entry.failures - 1), this.options.maxRetryDelayMs ?? 30_000);
      this.log(`projection ${entry.projection.name} failed at position ${entry.position}; retrying in ${delay} ms`, error);
    }
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      if (!this.running) return;
      this.readCheckpoint(entry.projection.name)
        .then((position) => {
          entry.position = entry.persisted = position;
          // Another runner may have moved the checkpoint past what someone waits for.
          this.resolveWaiters();
          if (this.running && !entry.subscription && entry.state !== 'rebuilding') this.run(entry);
        })
        .catch((e: unknown) => void this.onFailure(entry, e));
    }, delay);
  }

  /**
   * One batch: its handled events and the checkpoint in one transaction, checked against the row
   * this runner left. A batch without a handled event opens no transaction: the position moves in
   * memory and the row follows later (`writeCheckpoint`); a crash before that replays those events,
   * which change nothing, so resume stays exact.
   */
  private applyBatch(entry: Entry, batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch[batch.length - 1].position;
    const handled = entry.relevant ? batch.filter((event) => entry.relevant?.has(event.type)) : batch;
    if (handled.length === 0) {
      entry.position = last;
      this.scheduleCheckpoint(entry);
      this.applied(entry);
      return Promise.resolve();
    }
    return this.serially(entry, async () => {
      await this.commitBatch(entry, handled, last);
      this.applied(entry);
    });
  }

  /** Applies `events` and moves the checkpoint row from `entry.persisted` to `last`, or refuses if another runner moved it. */
  private async commitBatch(entry: Entry, events: readonly RecordedEvent[], last: number): Promise<void> {
    const { projection } = entry;
    // Moving the row first checks that no other runner moved it and takes its lock, in one statement.
    const move = async (tx: SqlExecutor) => {
      const moved = await tx.query<{ name: string }>(
        'UPDATE projection_checkpoints SET position = $2, updated_at = $3 WHERE name = $1 AND position = $4 AND version = $5 RETURNING name',
        [projection.name, last, new Date().toISOString(), entry.persisted, projection.version],
      );
      if (moved.length > 0) return;
      const row = await this.lockCheckpoint(tx, projection.name);
      throw new CheckpointMovedError(projection.name, entry.persisted, row ? Number(row.position) : undefined);
    };
    if (events.length === 0) await move(this.store.db);
    else {
      await this.store.db.transaction(async (tx) => {
        await move(tx);
        if (projection.applyBatch) await projection.applyBatch(tx, events);
        else for (const event of events) await projection.apply(tx, event);
      });
    }
    // Skipped batches may have moved the position further meanwhile: the row is at `last`.
    entry.persisted = last;
    entry.position = Math.max(entry.position, last);
    if (entry.checkpointTimer && entry.persisted === entry.position) {
      clearTimeout(entry.checkpointTimer);
      entry.checkpointTimer = null;
    }
  }

  /** Writes the in-memory position to the checkpoint row if it is ahead (nothing if another runner moved the row: its next batch finds out). */
  private writeCheckpoint(entry: Entry): Promise<void> {
    if (entry.checkpointTimer) clearTimeout(entry.checkpointTimer);
    entry.checkpointTimer = null;
    return this.serially(entry, async () => {
      if (entry.position <= entry.persisted) return;
      try {
        await this.commitBatch(entry, [], entry.position);
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
      }
    });
  }

  private scheduleCheckpoint(entry: Entry): void {
    if (entry.checkpointTimer) return;
    entry.checkpointTimer = setTimeout(() => {
      entry.checkpointTimer = null;
      this.writeCheckpoint(entry).catch((error: unknown) => this.log(`projection ${entry.projection.name}: checkpoint not written`, error));
    }, this.options.checkpointDelayMs ?? 1000);
    entry.checkpointTimer.unref?.();
  }

  private serially(entry: Entry, work: () => Promise<void>): Promise<void> {
    const run = entry.chain.then(work);
    entry.chain = run.catch(() => undefined);
    return run;
  }

  private applied(entry: Entry): void {
    if (entry.failures > 0) {
      entry.failures = 0;
      entry.lastError = undefined;
      if (entry.state === 'failing') entry.state = 'running';
    }
    this.resolveWaiters();
  }

  private reached(position: number, names: readonly string[]): boolean {
    return names.every((name) => (this.entries.get(name)?.position ?? Infinity) >= position);
  }

  private resolveWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.reached(waiter.position, waiter.names)) {
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  private async lockCheckpoint(tx: SqlExecutor, name: string): Promise<CheckpointRow | undefined> {
    const forUpdate = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const rows = await tx.query<CheckpointRow>(
      `SELECT position, version FROM projection_checkpoints WHERE name = $1${forUpdate}`,
      [name],
    );
    return rows[0];
  }

  private async readCheckpoint(name: string): Promise<number> {
    const rows = await this.store.db.query<CheckpointRow>(
      'SELECT position, version FROM projection_checkpoints WHERE name = $1',
      [name],
    );
    return rows[0] ? Number(rows[0].position) : 0;
  }

  private async reset(tx: SqlExecutor, projection: Projection): Promise<void> {
    for (const table of projection.tables) await tx.exec(`DROP TABLE IF EXISTS ${table}`);
    await projection.createSchema(tx);
    await tx.query(
      `INSERT INTO projection_checkpoints (name, position, version, updated_at) VALUES ($1, 0, $2, $3)
       ON CONFLICT (name) DO UPDATE SET position = 0, version = $2, updated_at = $3`,
      [projection.name, projection.version, new Date().toISOString()],
    );
  }
}
