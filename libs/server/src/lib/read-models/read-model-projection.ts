import type { RecordedEvent } from '@camel/contracts';
import type { Projection } from '@camel/event-store';
import { Table, type DataSource, type EntityManager } from 'typeorm';
import { entityManagerFor } from './entity-manager-for';
import type { EntityList } from './read-model-data-source';

/**
 * A read model written with TypeORM: its tables are the entities', created from their metadata, and
 * `apply` gets an EntityManager on the projector's transaction.
 */
export interface ReadModelProjection {
  readonly name: string;
  /** Bump when the entities or the apply logic change: the projection is rebuilt from position 0. */
  readonly version: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: readonly Function[];
  readonly eventTypes?: readonly string[];
  /**
   * Tables beyond the entities' (e.g. a full-text index the ORM cannot describe), dropped on rebuild,
   * created by `createExtras` after the entities' tables.
   */
  readonly extraTables?: readonly string[];
  createExtras?(manager: EntityManager): Promise<void>;
  apply(manager: EntityManager, event: RecordedEvent): Promise<void>;
  /** A batch's handled events at once, instead of `apply` per event (see the event store's `Projection.applyBatch`). */
  applyBatch?(manager: EntityManager, events: readonly RecordedEvent[]): Promise<void>;
}

/** The event store's Projection for a read model, bound to the process's DataSource. */
export function bindReadModelProjection(projection: ReadModelProjection, dataSource: DataSource): Projection {
  const metadata = () => projection.entities.map((entity) => dataSource.getMetadata(entity));
  return {
    name: projection.name,
    version: projection.version,
    eventTypes: projection.eventTypes,
    get tables() {
      // Extras first: on SQLite an FTS table's triggers live on the entity table.
      return [...(projection.extraTables ?? []), ...metadata().map((m) => m.tableName)];
    },
    async createSchema(tx) {
      const manager = entityManagerFor(dataSource, tx);
      const runner = manager.queryRunner;
      if (!runner) throw new Error(`projection ${projection.name}: no query runner on the transaction`);
      for (const m of metadata()) await runner.createTable(Table.create(m, dataSource.driver), true, true, true);
      await projection.createExtras?.(manager);
    },
    apply: (tx, event) => projection.apply(entityManagerFor(dataSource, tx), event),
    ...(projection.applyBatch
      ? { applyBatch: (tx: Parameters<Projection['apply']>[0], events: readonly RecordedEvent[]) => projection.applyBatch?.(entityManagerFor(dataSource, tx), events) ?? Promise.resolve() }
      : {}),
  };
}

export const readModelEntities = (projections: readonly ReadModelProjection[]): EntityList => projections.flatMap((p) => p.entities);
