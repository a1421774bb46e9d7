import { DATASET_PAIRING, runStreamId, type AnnotationValue, type DatasetPairing, type DatasetSelection, type DatasetSplitSpec, type RecordedEvent } from '@camel/contracts';
import { derivePairs, entryFactsOfRun, materialize, matchesFilter, type CountedAnswer, type EntryFacts, type Materialized } from '@camel/datasets';
import type { EntityManager } from 'typeorm';
import { DatasetAnnotationRecord, DatasetAnnotationValueRecord, DatasetQueueItemRecord } from './dataset.entities';

const runIdOf = (entryId: string): string => entryId.slice(0, entryId.indexOf(':'));
const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * A run's events up to log position `at`, read in the caller's transaction (the projector's, or a
 * plain read for the handler). Pairs need the exact prompt of a call, which only the run's stream
 * has (the turns a pair uses are recorded before any annotation of them); a filter on the run's
 * termination reason needs the run as of `at`. So the result does not depend on when it is read.
 */
async function runEvents(manager: EntityManager, runId: string, at: number): Promise<RecordedEvent[]> {
  const pg = manager.connection.options.type === 'postgres';
  const rows: { position: string | number; event_type: string; data: unknown; metadata: unknown; stream_version: number }[] = await manager.query(
    `SELECT position, event_type, data, metadata, stream_version FROM events WHERE stream_id = ${pg ? '$1' : '?'} AND position <= ${pg ? '$2' : '?'} ORDER BY stream_version`,
    [runStreamId(runId), at],
  );
  return rows.map(
    (row) =>
      ({
        position: Number(row.position),
        streamId: runStreamId(runId),
        streamType: 'run',
        streamVersion: row.stream_version,
        type: row.event_type,
        data: json(row.data),
        metadata: json(row.metadata),
      }) as RecordedEvent,
  );
}

/**
 * The answers that count for a selection as of log position `at`: each annotation's latest value
 * up to `at` (withdrawn ones dropped, extra submissions never counted); an adjudicated item's
 * decision replaces its annotators' answers. A queue selection takes the items completed or
 * adjudicated up to `at`.
 */
async function countedAnswers(manager: EntityManager, projectId: string, selection: DatasetSelection, at: number): Promise<CountedAnswer[]> {
  const queueId = selection.kind === 'queue' ? selection.queueId : undefined;
  const itemRows = await manager
    .getRepository(DatasetQueueItemRecord)
    .createQueryBuilder('i')
    .where('i.projectId = :projectId AND i.position <= :at', { projectId, at })
    .andWhere(queueId ? 'i.queueId = :queueId' : '1 = 1', { queueId })
    .orderBy('i.position', 'ASC')
    .getMany();
  const completed = new Map<string, DatasetQueueItemRecord>();
  const adjudicated = new Map<string, DatasetQueueItemRecord>();
  for (const row of itemRows) (row.kind === 'completed' ? completed : adjudicated).set(`${row.queueId}/${row.itemId}`, row);

  const annotations = await manager
    .getRepository(DatasetAnnotationRecord)
    .createQueryBuilder('a')
    .where('a.projectId = :projectId AND a.position <= :at AND a.extra = :extra', { projectId, at, extra: false })
    .andWhere(queueId ? 'a.queueId = :queueId' : '1 = 1', { queueId })
    .orderBy('a.position', 'ASC')
    .getMany();
  const values = new Map<string, AnnotationValue | null>();
  const valueRows = await manager
    .getRepository(DatasetAnnotationValueRecord)
    .createQueryBuilder('v')
    .innerJoin(DatasetAnnotationRecord, 'a', 'a.annotationId = v.annotationId')
    .where('a.projectId = :projectId AND v.position <= :at', { projectId, at })
    .andWhere(queueId ? 'a.queueId = :queueId' : '1 = 1', { queueId })
    .orderBy('v.position', 'ASC')
    .getMany();
  for (const row of valueRows) values.set(row.annotationId, row.value);

  const completedIds = new Set([...completed.values()].flatMap((row) => row.annotationIds ?? []));
  const answers: CountedAnswer[] = [];
  const ofItem = new Map<string, string[]>();
  for (const a of annotations) {
    const item = a.queueId && a.itemId ? `${a.queueId}/${a.itemId}` : null;
    if (item && adjudicated.has(item)) {
      ofItem.set(item, [...(ofItem.get(item) ?? []), a.annotationId]);
      continue;
    }
    if (queueId && !completedIds.has(a.annotationId)) continue;
    const value = values.get(a.annotationId);
    if (value) answers.push({ entryId: a.entryId, runId: a.runId, annotationIds: [a.annotationId], value });
  }
  for (const [item, row] of adjudicated) {
    if (row.value) answers.push({ entryId: row.entryId, runId: runIdOf(row.entryId), annotationIds: ofItem.get(item) ?? [], value: row.value, adjudicated: true });
  }
  return answers;
}

/** The facts of every entry the answers name (the annotated entry and the alternative it is compared with) as of `at`, run by run. */
async function entriesOf(manager: EntityManager, answers: readonly CountedAnswer[], at: number): Promise<Map<string, EntryFacts>> {
  const byRun = new Map<string, Set<string>>();
  const want = (entryId: string) => {
    const runId = runIdOf(entryId);
    byRun.set(runId, (byRun.get(runId) ?? new Set()).add(entryId));
  };
  for (const answer of answers) {
    want(answer.entryId);
    if (answer.value.preference) want(answer.value.preference.alternativeEntryId);
  }
  const facts = new Map<string, EntryFacts>();
  for (const [runId, wanted] of byRun) {
    for (const [id, entry] of entryFactsOfRun(await runEvents(manager, runId, at), wanted)) facts.set(id, entry);
  }
  return facts;
}

/**
 * A snapshot's pairs, exactly as of log position `at`: the same selection and position give the
 * same pairs, hash and counts whenever and on whichever engine this runs (the command handler to
 * record them, the projection to materialize them).
 */
export async function snapshotAt(manager: EntityManager, projectId: string, selection: DatasetSelection, at: number, split: DatasetSplitSpec, pairing: DatasetPairing = DATASET_PAIRING): Promise<Materialized> {
  const answers = await countedAnswers(manager, projectId, selection, at);
  const entries = await entriesOf(manager, answers, at);
  const selected = selection.kind === 'filter' ? answers.filter((a) => {
    const entry = entries.get(a.entryId);
    return entry !== undefined && matchesFilter(entry, selection.filter);
  }) : answers;
  return materialize(derivePairs(selected, (id) => entries.get(id)), split, pairing);
}
