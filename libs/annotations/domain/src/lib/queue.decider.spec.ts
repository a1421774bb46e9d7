import type { AnnotationQueueEvent, QueueItemRef } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { isAssigned, ITEMS_PER_EVENT, queueDecider, validQueueSettings, type QueueCommand, type QueueFacts } from './queue.decider';

const facts: QueueFacts = { members: { u1: 'annotator', u2: 'annotator', e1: 'engineer' }, agents: ['judge'] };
const spec = deciderSpec(queueDecider);
const settings = validQueueSettings({ name: 'Pairs', kind: 'pairwise' }, facts);
const created: AnnotationQueueEvent = { type: 'AnnotationQueueCreated', data: { queueId: 'q', projectId: 'p', createdBy: 'e1', ...settings } };
const ref = (n: number, alt: string | null = `r:alt${n}`): QueueItemRef => ({ itemId: `i${n}`, entryId: `r:t${n}`, alternativeEntryId: alt });
const add = (...items: QueueItemRef[]): QueueCommand => ({ type: 'AddItems', queueId: 'q', items });
const added = (...items: QueueItemRef[]): AnnotationQueueEvent => ({ type: 'QueueItemsAdded', data: { queueId: 'q', projectId: 'p', items } });

describe('queue decider', () => {
  it('creates a queue with defaults: 1–5, one response, 5 minutes, blind, every annotator, no judge', () => {
    spec.given([]).when({ type: 'CreateQueue', queueId: 'q', projectId: 'p', createdBy: 'e1', settings: { name: ' Pairs ', kind: 'pairwise' }, facts }).then([created]);
    expect(settings).toEqual({
      name: 'Pairs',
      description: null,
      kind: 'pairwise',
      ratingScale: { min: 1, max: 5 },
      responsesRequired: 1,
      reservationSeconds: 300,
      blind: true,
      assignees: { kind: 'role' },
      suggestions: null,
    });
  });

  it.each<[string, object, string]>([
    ['an unknown kind', { kind: 'triple' }, 'kind'],
    ['no name', { name: ' ' }, 'name'],
    ['N = 0', { responsesRequired: 0 }, 'responsesRequired'],
    ['a reservation of 0 s', { reservationSeconds: 0 }, 'reservationSeconds'],
    ['a scale with max ≤ min', { ratingScale: { min: 3, max: 3 } }, 'ratingScale.max'],
    ['an assignee who is not a member', { assignees: { kind: 'users', userIds: ['u1', 'stranger'] } }, 'assignees.userIds.1'],
    ['no assignee', { assignees: { kind: 'users', userIds: [] } }, 'assignees'],
    ['a judge that is not an agent of the config', { suggestions: { agent: 'nobody' } }, 'suggestions.agent'],
  ])('refuses %s, naming %s', (_case, override, field) => {
    spec.given([]).when({ type: 'CreateQueue', queueId: 'q', projectId: 'p', createdBy: 'e1', settings: { name: 'Q', kind: 'single', ...override }, facts }).thenThrows({ kind: 'validation', field });
  });

  it('an item is never in a queue twice: repeated in one add, or across adds', () => {
    spec.given([created]).when(add(ref(1), ref(2), { ...ref(1), itemId: 'other' })).then([added(ref(1), ref(2))]);
    spec.given([created, added(ref(1), ref(2))]).when(add({ ...ref(2), itemId: 'x' }, ref(3))).then([added(ref(3))]);
    spec.given([created, added(ref(1))]).when(add({ ...ref(1), itemId: 'again' })).then([]);
  });

  it('the same entry against another alternative is another pairwise item', () => {
    spec.given([created, added(ref(1))]).when(add({ itemId: 'i9', entryId: 'r:t1', alternativeEntryId: 'r:other' })).then([added({ itemId: 'i9', entryId: 'r:t1', alternativeEntryId: 'r:other' })]);
  });

  it('a large add is split into events of at most 1000 items', () => {
    const many = Array.from({ length: ITEMS_PER_EVENT * 2 + 5 }, (_, n) => ref(n));
    const events = queueDecider.decide(add(...many), [created].reduce(queueDecider.evolve, queueDecider.initialState), { now: new Date() });
    expect(events.map((e) => (e.type === 'QueueItemsAdded' ? e.data.items.length : 0))).toEqual([1000, 1000, 5]);
  });

  it('item kind must match the queue kind', () => {
    spec.given([created]).when(add(ref(1), ref(2, null))).thenThrows({ kind: 'validation', field: 'items.1' });
  });

  it('updates only what changed; an unchanged update records nothing; a missing queue is not found', () => {
    spec.given([created]).when({ type: 'UpdateQueue', queueId: 'q', settings: { reservationSeconds: 60, name: 'Pairs' }, facts }).then([
      { type: 'AnnotationQueueUpdated', data: { queueId: 'q', projectId: 'p', reservationSeconds: 60 } },
    ]);
    spec.given([created]).when({ type: 'UpdateQueue', queueId: 'q', settings: { name: 'Pairs' }, facts }).then([]);
    spec.given([]).when(add(ref(1))).thenThrows({ kind: 'not-found' });
  });

  it('assignment: named users, or every member holding the annotator role', () => {
    expect(isAssigned({ assignees: { kind: 'role' } }, 'u1', 'annotator')).toBe(true);
    expect(isAssigned({ assignees: { kind: 'role' } }, 'e1', 'engineer')).toBe(false);
    expect(isAssigned({ assignees: { kind: 'users', userIds: ['u2'] } }, 'u1', 'annotator')).toBe(false);
    expect(isAssigned({ assignees: { kind: 'users', userIds: ['u2'] } }, 'u2', 'annotator')).toBe(true);
  });

  describe('lifecycle', () => {
    const data = { queueId: 'q', projectId: 'p', by: 'e1' };
    const closed: AnnotationQueueEvent = { type: 'AnnotationQueueClosed', data };
    const archived: AnnotationQueueEvent = { type: 'AnnotationQueueArchived', data };

    it('closes an open queue once (closing again records nothing) and reopens it', () => {
      spec.given([created]).when({ type: 'CloseQueue', queueId: 'q', by: 'e1' }).then([closed]);
      spec.given([created, closed]).when({ type: 'CloseQueue', queueId: 'q', by: 'e1' }).then([]);
      spec.given([created, closed]).when({ type: 'ReopenQueue', queueId: 'q', by: 'e1' }).then([{ type: 'AnnotationQueueReopened', data }]);
      spec.given([created]).when({ type: 'ReopenQueue', queueId: 'q', by: 'e1' }).then([]);
    });

    it('a closed queue takes no items; a reopened one does', () => {
      spec.given([created, closed]).when(add(ref(1))).thenThrows({ kind: 'conflict', code: 'queue.closed' });
      spec.given([created, closed, { type: 'AnnotationQueueReopened', data }]).when(add(ref(1))).then([added(ref(1))]);
    });

    it('archiving is final: open or closed queues archive once; an archived one is neither changed, reopened nor given items', () => {
      spec.given([created]).when({ type: 'ArchiveQueue', queueId: 'q', by: 'e1' }).then([archived]);
      spec.given([created, closed]).when({ type: 'ArchiveQueue', queueId: 'q', by: 'e1' }).then([archived]);
      spec.given([created, archived]).when({ type: 'ArchiveQueue', queueId: 'q', by: 'e1' }).then([]);
      spec.given([created, archived]).when({ type: 'ReopenQueue', queueId: 'q', by: 'e1' }).thenThrows({ kind: 'conflict', code: 'queue.archived' });
      spec.given([created, archived]).when({ type: 'CloseQueue', queueId: 'q', by: 'e1' }).thenThrows({ code: 'queue.archived' });
      spec.given([created, archived]).when(add(ref(1))).thenThrows({ code: 'queue.archived' });
      spec.given([created, archived]).when({ type: 'UpdateQueue', queueId: 'q', settings: { name: 'New' }, facts }).thenThrows({ code: 'queue.archived' });
      spec.given([]).when({ type: 'ArchiveQueue', queueId: 'q', by: 'e1' }).thenThrows({ kind: 'not-found' });
    });
  });
});
