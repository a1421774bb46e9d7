import {
  annotationQueueStreamId,
  annotationStreamId,
  datasetStreamId,
  runStreamId,
  type AnnotationEvent,
  type AnnotationValue,
  type DatasetSelection,
  type QueueItemCompleted,
  type RecordedEvent,
} from '@camel/contracts';
import { contentHashOf, datasetDecider, datasetIdFor, derivePairs, entryFactsOfRun, materialize, materializeImported, type CountedAnswer, type Materialized } from '@camel/datasets';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, type GivenEvent } from '@camel/server/testing';
import { chatResult, configSet, RunDriver, type ScriptedModel } from '@camel/workflows/testing';
import type { EntityManager } from 'typeorm';
import { DatasetPairRecord, DatasetVersionRecord } from './dataset.entities';
import { datasetsProjection } from './datasets.projection';

const P = 'p1';
const Q = '0190a000-0000-7000-8000-0000000000a1';
const SPLIT = { testRatio: 0, seed: 7 };
/** Every position: the snapshots below are taken after everything the timeline records before them. */
const ALL = Number.MAX_SAFE_INTEGER;

const conversation: ScriptedModel = (call) => {
  if (call.purpose === 'task_specify') return chatResult(['Build a bot that trades on crossovers.']);
  return chatResult([call.place?.role === 'user' ? 'Instruction: load the prices.\nInput: None' : 'Solution: read them with csv. Next request.']);
};

/** As the store would record them, for the pure functions (positions in timeline order). */
const asRecorded = (events: readonly GivenEvent[]): RecordedEvent[] =>
  events.map((e, i) => ({ ...e, position: i + 1, streamVersion: i + 1, streamType: 'run', id: `e${i}` }) as unknown as RecordedEvent);

describe.each(ENGINES)('datasets projection on %s', (engine) => {
  const spec = projectionSpec(engine, datasetsProjection);
  let timeline: EventTimeline;

  beforeEach(() => {
    timeline = new EventTimeline({ projectId: P });
  });

  const submitted = (annotationId: string, entryId: string, value: AnnotationValue, queue?: { itemId: string; extra?: boolean }): AnnotationEvent => ({
    type: 'AnnotationSubmitted',
    data: { annotationId, projectId: P, entryId, runId: 'r1', queueId: queue ? Q : null, itemId: queue?.itemId ?? null, annotator: `user:${annotationId}`, value, fromSuggestion: null, extra: queue?.extra ?? false },
  });
  const annotate = (event: AnnotationEvent) => timeline.record(annotationStreamId((event.data as { annotationId: string }).annotationId), [event]);
  const snapshot = (name: string, selection: DatasetSelection, materialized: Materialized) =>
    timeline.decide(datasetDecider, datasetStreamId(datasetIdFor(P, name)), {
      type: 'CreateSnapshot',
      datasetId: datasetIdFor(P, name),
      projectId: P,
      name,
      selection,
      split: SPLIT,
      logPosition: ALL,
      projectStatus: 'active',
      materialized,
    });

  const pairsOf = async (manager: EntityManager, name: string) =>
    (await manager.find(DatasetPairRecord, { where: { datasetId: datasetIdFor(P, name), version: 1 }, order: { idx: 'ASC' } })).map((p) => ({ ...p, prompt: JSON.parse(p.prompt) }));

  it('answers, revisions, withdrawals, queue completions, snapshots by filter and by queue, and an import: the same versions and pairs after a rebuild', async () => {
    const driver = new RunDriver('r1').start(configSet(), 'stock_trading_bot', { maxTurns: 1 });
    driver.drive(conversation);
    for (const event of driver.events) timeline.record(runStreamId('r1'), [event]);
    const runEvents = asRecorded(timeline.events);
    const assistant = driver.run.turns.find((t) => t.role === 'assistant');
    if (!assistant) throw new Error('the scripted run has no assistant turn');
    const turn = `r1:${assistant.turnId}`;
    const facts = entryFactsOfRun(runEvents, new Set([turn]));
    expect(facts.get(turn)?.content).toBe('Solution: read them with csv. Next request.');

    annotate(submitted('a1', turn, { correction: 'Solution: first draft.' }));
    annotate({ type: 'AnnotationRevised', data: { annotationId: 'a1', value: { correction: 'Solution: read them with csv, validated. Next request.' } } });
    annotate(submitted('a2', turn, { correction: 'Solution: taken back.' }));
    annotate({ type: 'AnnotationWithdrawn', data: { annotationId: 'a2', reason: null } });
    annotate(submitted('a3', turn, { correction: 'Solution: from the queue. Next request.' }, { itemId: 'i1' }));
    const completed: QueueItemCompleted = { type: 'QueueItemCompleted', data: { queueId: Q, projectId: P, itemId: 'i1', entryId: turn, annotationIds: ['a3'] } };
    timeline.record(annotationQueueStreamId(Q), [completed]);
    annotate(submitted('a4', turn, { correction: 'Solution: extra, never counted.' }, { itemId: 'i1', extra: true }));

    // What the handler would have recorded: the counted answers' pairs, from the pure pipeline.
    const made = (answers: CountedAnswer[]) => materialize(derivePairs(answers, (id) => facts.get(id)), SPLIT);
    const a1 = { entryId: turn, runId: 'r1', annotationIds: ['a1'], value: { correction: 'Solution: read them with csv, validated. Next request.' } };
    const a3 = { entryId: turn, runId: 'r1', annotationIds: ['a3'], value: { correction: 'Solution: from the queue. Next request.' } };
    const byFilter = made([a1, a3]);
    const byQueue = made([a3]);
    snapshot('by-filter', { kind: 'filter', filter: { runId: 'r1', q: 'csv' } }, byFilter);
    snapshot('by-queue', { kind: 'queue', queueId: Q }, byQueue);
    const imported = materializeImported(
      [
        { prompt: [{ role: 'user', content: 'Say hi.' }], chosen: 'Hello!', rejected: 'hi' },
        { prompt: [{ role: 'user', content: 'Say hi.' }], chosen: 'Hello!', rejected: 'hi' },
        { prompt: [{ role: 'user', content: 'Two?' }], chosen: '2', rejected: 'two' },
      ],
      SPLIT,
    );
    timeline.decide(datasetDecider, datasetStreamId(datasetIdFor(P, 'imported')), {
      type: 'ImportDataset',
      datasetId: datasetIdFor(P, 'imported'),
      projectId: P,
      name: 'imported',
      split: SPLIT,
      projectStatus: 'active',
      materialized: imported,
    });

    await spec.given(timeline).then(async ({ manager }) => {
      const versions = await manager.find(DatasetVersionRecord, { order: { name: 'ASC' } });
      expect(versions.map((v) => [v.name, v.version, v.origin, v.contentHash, v.counts.pairs])).toEqual([
        ['by-filter', 1, 'snapshot', byFilter.contentHash, 2],
        ['by-queue', 1, 'snapshot', byQueue.contentHash, 1],
        ['imported', 1, 'import', imported.contentHash, 2],
      ]);
      expect(versions[0]).toMatchObject({ selection: { kind: 'filter', filter: { runId: 'r1', q: 'csv' } }, logPosition: ALL, lineage: { annotations: 2, runIds: ['r1'], configVersions: [1] } });
      // The pairs the projection wrote are the recorded ones, hash for hash; withdrawn and extra answers make none.
      for (const [name, expected] of [['by-filter', byFilter], ['by-queue', byQueue], ['imported', imported]] as const) {
        const rows = await pairsOf(manager, name);
        expect(contentHashOf(rows)).toBe(expected.contentHash);
        expect(rows.map((r) => [r.chosen, r.rejected, r.source, r.annotationIds])).toEqual(expected.pairs.map((p) => [p.chosen, p.rejected, p.source, [...p.annotationIds]]));
      }
      const chosen = (await pairsOf(manager, 'by-filter')).map((r) => r.chosen).sort();
      expect(chosen).toEqual(['Solution: from the queue. Next request.', 'Solution: read them with csv, validated. Next request.']);
      expect((await pairsOf(manager, 'by-filter'))[0].prompt).toEqual(facts.get(turn)?.prompt.map((m) => ({ role: m.role, content: m.content })));
    });
  });
});
