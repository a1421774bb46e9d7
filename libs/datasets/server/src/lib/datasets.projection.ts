import {
  ANNOTATION_EVENT_TYPES,
  DATASET_EVENT_TYPES,
  type AnnotationEvent,
  type DatasetEvent,
  type QueueItemAdjudicated,
  type QueueItemCompleted,
  type RecordedEvent,
} from '@camel/contracts';
import type { MaterializedPair } from '@camel/datasets';
import type { ReadModelProjection } from '@camel/server';
import { Logger } from '@nestjs/common';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { snapshotAt } from './dataset-source';
import { snapshotHandoff } from './snapshot-handoff';
import { DATASET_ENTITIES, DatasetAnnotationRecord, DatasetAnnotationValueRecord, DatasetQueueItemRecord, DatasetVersionRecord } from './dataset.entities';

type Handled = AnnotationEvent | QueueItemCompleted | QueueItemAdjudicated | DatasetEvent;

const PAIR_COLUMNS = 10;
/** Rows per INSERT: within SQLite's 999 bound parameters. */
const INSERT_ROWS = 90;

const logger = new Logger('DatasetsProjection');

/**
 * Plain multi-row INSERTs: an import writes up to 1000 pairs per event, and the ORM's insert builder
 * spent about a millisecond a row on them (measured on SQLite).
 */
async function insertPairs(manager: EntityManager, datasetId: string, version: number, offset: number, pairs: readonly Omit<MaterializedPair, 'key'>[]) {
  const pg = manager.connection.options.type === 'postgres';
  for (let start = 0; start < pairs.length; start += INSERT_ROWS) {
    const slice = pairs.slice(start, start + INSERT_ROWS);
    const params: unknown[] = [];
    const rows = slice.map((p, i) => {
      params.push(datasetId, version, offset + start + i, p.split, JSON.stringify(p.prompt.map((m) => ({ role: m.role, content: m.content }))), p.chosen, p.rejected, p.source, p.entryId, JSON.stringify(p.annotationIds));
      const base = i * PAIR_COLUMNS;
      return `(${Array.from({ length: PAIR_COLUMNS }, (_, c) => (pg ? `$${base + c + 1}` : '?')).join(', ')})`;
    });
    await manager.query(
      `INSERT INTO dataset_pairs (dataset_id, version, idx, split, prompt, chosen, rejected, source, entry_id, annotation_ids) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/**
 * The datasets read model: the annotation facts a snapshot selects from (every value with its
 * position, queue completions and adjudications), the versions, and their pairs. A snapshot's pairs
 * are the ones its command handler materialized to record their hash and counts (handed over in
 * this process, so the runs' streams are read once), or, rebuilding or on another replica,
 * materialized here from the events up to its log position by the same function; an import's pairs
 * come in its own events.
 */
export const datasetsProjection: ReadModelProjection = {
  name: 'datasets',
  version: 1,
  entities: DATASET_ENTITIES,
  eventTypes: [...ANNOTATION_EVENT_TYPES, 'QueueItemCompleted', 'QueueItemAdjudicated', ...DATASET_EVENT_TYPES],

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as Handled;
    const position = recorded.position;
    // Each row is written once per event (the runner never applies an event twice); insert-or-ignore keeps a replay harmless.
    const insert = async (entity: EntityTarget<ObjectLiteral>, row: object) => {
      await manager.createQueryBuilder().insert().into(entity).values(row).orIgnore().execute();
    };
    switch (event.type) {
      case 'AnnotationSubmitted': {
        const d = event.data;
        await insert(DatasetAnnotationRecord, {
          annotationId: d.annotationId,
          projectId: d.projectId,
          entryId: d.entryId,
          runId: d.runId,
          queueId: d.queueId,
          itemId: d.itemId,
          extra: d.extra,
          position,
        });
        await insert(DatasetAnnotationValueRecord, { position, annotationId: d.annotationId, value: d.value });
        return;
      }
      case 'AnnotationRevised':
        await insert(DatasetAnnotationValueRecord, { position, annotationId: event.data.annotationId, value: event.data.value });
        return;
      case 'AnnotationWithdrawn':
        await insert(DatasetAnnotationValueRecord, { position, annotationId: event.data.annotationId, value: null });
        return;
      case 'QueueItemCompleted':
      case 'QueueItemAdjudicated': {
        const d = event.data;
        await insert(DatasetQueueItemRecord, {
            position,
            kind: event.type === 'QueueItemCompleted' ? 'completed' : 'adjudicated',
            projectId: d.projectId,
            queueId: d.queueId,
            itemId: d.itemId,
            entryId: d.entryId,
            annotationIds: event.type === 'QueueItemCompleted' ? [...event.data.annotationIds] : null,
            value: event.type === 'QueueItemAdjudicated' ? event.data.value : null,
        });
        return;
      }
      case 'DatasetPairsImported':
        await insertPairs(
          manager,
          event.data.datasetId,
          event.data.version,
          event.data.offset,
          event.data.pairs.map((p) => ({ ...p, source: 'import', entryId: null, annotationIds: [] })),
        );
        return;
      case 'DatasetSnapshotCreated':
      case 'DatasetImported': {
        const d = event.data;
        const snapshot = event.type === 'DatasetSnapshotCreated' ? event.data : null;
        if (snapshot) {
          const key = { datasetId: d.datasetId, selection: snapshot.selection, logPosition: snapshot.logPosition, split: d.split };
          const made = snapshotHandoff.take(key, d.contentHash) ?? (await snapshotAt(manager, d.projectId, snapshot.selection, snapshot.logPosition, d.split, snapshot.pairing ?? 1));
          if (made.contentHash !== d.contentHash) {
            logger.error(`dataset ${d.datasetId} v${d.version}: materialized hash ${made.contentHash} differs from the recorded ${d.contentHash}`);
          }
          await insertPairs(manager, d.datasetId, d.version, 0, made.pairs);
        }
        await insert(DatasetVersionRecord, {
            datasetId: d.datasetId,
            version: d.version,
            projectId: d.projectId,
            name: d.name,
            description: d.description,
            origin: snapshot ? 'snapshot' : 'import',
            selection: snapshot?.selection ?? null,
            logPosition: snapshot?.logPosition ?? null,
            split: d.split,
            contentHash: d.contentHash,
            counts: d.counts,
            lineage: d.lineage,
            createdAt: recorded.metadata.time,
            createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
            position,
        });
        return;
      }
      default:
        return;
    }
  },
};
