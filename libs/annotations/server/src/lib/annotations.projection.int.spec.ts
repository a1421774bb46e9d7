import { annotationQueueItemStreamId, annotationQueueStreamId, annotationStreamId, labelSetStreamId } from '@camel/contracts';
import { annotationDecider, labelSetDecider, queueDecider, queueItemDecider, type ItemFacts, type QueueItemCommand } from '@camel/annotations';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { AnnotationRecord, AnnotationRevisionRecord, ItemMarkRecord, LabelSetRecord, QueueItemRecord, QueueRecord, ReservationRecord, SuggestionRecord } from './annotation.entities';
import { annotationsProjection } from './annotations.projection';

const P = '0190a000-0000-7000-8000-00000000000p';
const Q = '0190a000-0000-7000-8000-00000000000q';
const rules = { labels: ['helpful'], ratingScale: { min: 1, max: 5 }, alternatives: ['r:alt'] };

describe.each(ENGINES)('annotations projection on %s', (engine) => {
  const spec = projectionSpec(engine, annotationsProjection);
  let timeline: EventTimeline;
  const item = (itemId: string, entryId: string): ItemFacts => ({ queueId: Q, projectId: P, itemId, entryId, responsesRequired: 2 });
  const onItem = (command: QueueItemCommand) => timeline.decide(queueItemDecider, annotationQueueItemStreamId(command.item.itemId), command, { projectId: P });
  const answer = (annotationId: string, annotator: string, itemId: string, entryId: string, rating: number, extra = false) => {
    timeline.decide(
      annotationDecider,
      annotationStreamId(annotationId),
      { type: 'SubmitAnnotation', annotationId, projectId: P, entryId, runId: 'r', queueId: Q, itemId, annotator, value: { rating }, rules, fromSuggestion: null, suggestionId: null, extra, blind: true },
      { projectId: P },
    );
    onItem({ type: 'RespondToItem', item: item(itemId, entryId), annotator, annotationId });
  };

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('queues with counts, items in order, reservations, marks, answers with history, adjudication and suggestions; the same rows after a rebuild', async () => {
    timeline.decide(labelSetDecider, labelSetStreamId(P), { type: 'DefineLabelSet', projectId: P, labels: [{ name: 'helpful' }] }, { projectId: P });
    timeline.decide(
      queueDecider,
      annotationQueueStreamId(Q),
      { type: 'CreateQueue', queueId: Q, projectId: P, createdBy: 'eng', settings: { name: 'Q', kind: 'single', responsesRequired: 2 }, facts: { members: {}, agents: [] } },
      { projectId: P },
    );
    timeline.decide(queueDecider, annotationQueueStreamId(Q), {
      type: 'AddItems',
      queueId: Q,
      items: [
        { itemId: 'i1', entryId: 'r:t1', alternativeEntryId: null },
        { itemId: 'i2', entryId: 'r:t2', alternativeEntryId: null },
      ],
    });
    onItem({ type: 'ReserveItem', item: item('i1', 'r:t1'), annotator: 'u1', reservationSeconds: 300 }); // t3
    onItem({ type: 'ReserveItem', item: item('i2', 'r:t2'), annotator: 'u3', reservationSeconds: 60 }); // t4
    answer('a1', 'u1', 'i1', 'r:t1', 2); // t5, t6
    answer('a2', 'u2', 'i1', 'r:t1', 4); // t7, t8 (completes)
    answer('a3', 'u3', 'i1', 'r:t1', 5, true); // t9, t10 (extra)
    timeline.decide(annotationDecider, annotationStreamId('a1'), { type: 'ReviseAnnotation', annotationId: 'a1', by: 'u1', value: { rating: 3 }, rules, blind: false }); // t11
    onItem({ type: 'AdjudicateItem', item: item('i1', 'r:t1'), decidedBy: 'eng', value: { rating: 4 }, note: null, rules }); // t12
    onItem({ type: 'SkipItem', item: item('i2', 'r:t2'), annotator: 'u1' }); // t13
    onItem({ type: 'SuggestForItem', item: item('i2', 'r:t2'), suggestionId: 's1', agent: 'judge', model: 'judge-1', value: { rating: 5 }, rules }); // t14

    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(LabelSetRecord)).toEqual([{ projectId: P, labels: [{ name: 'helpful' }] }]);
      expect(await manager.findOneByOrFail(QueueRecord, { id: Q })).toMatchObject({ itemCount: 2, completedCount: 1, adjudicatedCount: 1, responseCount: 2, responsesRequired: 2, blind: true });
      const items = await manager.find(QueueItemRecord, { order: { seq: 'ASC' } });
      expect(items.map((i) => [i.id, i.seq, i.status, i.responses, i.extraResponses, i.completedAt])).toEqual([
        ['i1', 1, 'adjudicated', 2, 1, timelineTime(8)],
        ['i2', 2, 'open', 0, 0, null],
      ]);
      expect(items[0].adjudication).toEqual({ decidedBy: 'eng', value: { rating: 4 }, note: null });
      // Completion dropped i1's reservations; u3's on i2 stays (expiry is read against now); u1 skipped i2.
      expect(await manager.find(ReservationRecord)).toEqual([{ itemId: 'i2', annotator: 'u3', queueId: Q, until: new Date(Date.parse(timelineTime(4)) + 60_000).toISOString() }]);
      const marks = await manager.find(ItemMarkRecord, { order: { itemId: 'ASC', annotator: 'ASC' } });
      expect(marks.map((m) => [m.itemId, m.annotator, m.mark])).toEqual([
        ['i1', 'u1', 'responded'],
        ['i1', 'u2', 'responded'],
        ['i1', 'u3', 'extra'],
        ['i2', 'u1', 'skipped'],
      ]);
      const annotations = await manager.find(AnnotationRecord, { order: { id: 'ASC' } });
      expect(annotations.map((a) => [a.id, a.annotator, a.value, Boolean(a.extra), a.revision, a.updatedAt])).toEqual([
        ['a1', 'u1', { rating: 3 }, false, 2, timelineTime(11)],
        ['a2', 'u2', { rating: 4 }, false, 1, timelineTime(7)],
        ['a3', 'u3', { rating: 5 }, true, 1, timelineTime(9)],
      ]);
      expect((await manager.find(AnnotationRevisionRecord, { where: { annotationId: 'a1' }, order: { revision: 'ASC' } })).map((r) => r.value)).toEqual([{ rating: 2 }, { rating: 3 }]);
      expect(await manager.find(SuggestionRecord)).toEqual([{ itemId: 'i2', id: 's1', agent: 'judge', model: 'judge-1', value: { rating: 5 }, createdAt: timelineTime(14) }]);
    });
  });
});
