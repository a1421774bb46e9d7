import type { QueueItemEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { queueItemDecider, type ItemFacts, type QueueItemCommand } from './queue-item.decider';

const NOW = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const spec = (now = NOW) => deciderSpec(queueItemDecider, { now });

const item = (responsesRequired = 1): ItemFacts => ({ queueId: 'q', projectId: 'p', itemId: 'i', entryId: 'r:t', responsesRequired });
const base = { queueId: 'q', projectId: 'p', itemId: 'i' };
const reserve = (annotator: string, n = 1): QueueItemCommand => ({ type: 'ReserveItem', item: item(n), annotator, reservationSeconds: 300 });
const reserved = (annotator: string, until = at(300)): QueueItemEvent => ({ type: 'QueueItemReserved', data: { ...base, annotator, until: until.toISOString() } });
const respond = (annotator: string, n = 1): QueueItemCommand => ({ type: 'RespondToItem', item: item(n), annotator, annotationId: `a-${annotator}` });
const responded = (annotator: string, counted = true): QueueItemEvent => ({ type: 'QueueItemResponded', data: { ...base, annotator, annotationId: `a-${annotator}`, counted } });
const completed = (...annotators: string[]): QueueItemEvent => ({
  type: 'QueueItemCompleted',
  data: { ...base, entryId: 'r:t', annotationIds: annotators.map((a) => `a-${a}`) },
});

describe('queue item: reservations', () => {
  it('reserving an open item holds it for the reservation time', () => {
    spec().given([]).when(reserve('u1')).then([reserved('u1')]);
  });

  it('the race: once u1 holds the only slot, u2 is refused (the loser’s retry decides on this state)', () => {
    spec().given([reserved('u1')]).when(reserve('u2')).thenThrows({ kind: 'conflict', code: 'queue-item.taken' });
  });

  it('expiry: past its end the reservation no longer holds the slot (lazy, by `now`)', () => {
    spec(at(299)).given([reserved('u1')]).when(reserve('u2')).thenThrows({ code: 'queue-item.taken' });
    spec(at(300)).given([reserved('u1')]).when(reserve('u2')).then([reserved('u2', at(600))]);
  });

  it('with N = 3, three annotators hold slots at once; the fourth is refused; counted responses take slots too', () => {
    spec().given([reserved('u1'), reserved('u2')]).when(reserve('u3', 3)).then([reserved('u3')]);
    spec().given([reserved('u1'), reserved('u2'), reserved('u3')]).when(reserve('u4', 3)).thenThrows({ code: 'queue-item.taken' });
    spec().given([responded('u1'), responded('u2'), reserved('u3')]).when(reserve('u4', 3)).thenThrows({ code: 'queue-item.taken' });
  });

  it('renewing one’s own reservation extends it; release and skip free the slot', () => {
    spec(at(100)).given([reserved('u1')]).when(reserve('u1')).then([reserved('u1', at(400))]);
    spec().given([reserved('u1'), { type: 'QueueItemReleased', data: { ...base, annotator: 'u1' } }]).when(reserve('u2')).then([reserved('u2')]);
    spec().given([reserved('u1'), { type: 'QueueItemSkipped', data: { ...base, annotator: 'u1' } }]).when(reserve('u2')).then([reserved('u2')]);
  });

  it('releasing without a reservation records nothing; skipping twice records once', () => {
    spec().given([]).when({ type: 'ReleaseItem', item: item(), annotator: 'u1' }).then([]);
    spec().given([{ type: 'QueueItemSkipped', data: { ...base, annotator: 'u1' } }]).when({ type: 'SkipItem', item: item(), annotator: 'u1' }).then([]);
  });

  it('a completed item, or one already answered by you, cannot be reserved', () => {
    spec().given([responded('u1'), completed('u1')]).when(reserve('u2')).thenThrows({ code: 'queue-item.completed' });
    spec().given([responded('u1')]).when(reserve('u1', 2)).thenThrows({ code: 'queue-item.answered' });
  });
});

describe('queue item: completion at exactly N', () => {
  it('N = 2: the first response counts, the second counts and completes the item in the same decision', () => {
    spec().given([]).when(respond('u1', 2)).then([responded('u1')]);
    spec().given([responded('u1')]).when(respond('u2', 2)).then([responded('u2'), completed('u1', 'u2')]);
  });

  it('N = 1: a response completes at once', () => {
    spec().given([reserved('u1')]).when(respond('u1')).then([responded('u1'), completed('u1')]);
  });

  it('a submission beyond N (e.g. an expired reservation’s holder) is kept as extra, and nothing completes twice', () => {
    spec().given([responded('u1'), responded('u2'), completed('u1', 'u2')]).when(respond('u3', 2)).then([responded('u3', false)]);
  });

  it('an annotator answers an item once (revise instead)', () => {
    spec().given([responded('u1')]).when(respond('u1', 2)).thenThrows({ kind: 'conflict', code: 'queue-item.answered' });
  });
});

describe('queue item: suggestion and adjudication', () => {
  const rules = { labels: [], ratingScale: { min: 1, max: 5 }, alternatives: ['r:alt'], pairwiseWith: 'r:alt' };
  const value = { preference: { alternativeEntryId: 'r:alt', choice: 'B' } };

  it('one suggestion per item, validated like an answer; it is not a response', () => {
    const suggest: QueueItemCommand = { type: 'SuggestForItem', item: item(), suggestionId: 's1', agent: 'judge', model: 'm', value, rules };
    const suggested: QueueItemEvent = { type: 'QueueItemSuggested', data: { ...base, suggestionId: 's1', entryId: 'r:t', agent: 'judge', model: 'm', value: value as never } };
    spec().given([]).when(suggest).then([suggested]);
    spec().given([suggested]).when(suggest).then([]);
    spec().given([]).when({ ...suggest, value: { rating: 3 } } as QueueItemCommand).thenThrows({ kind: 'validation', field: 'suggestion.preference' });
    spec().given([suggested]).when(respond('u1', 2)).then([responded('u1')]);
  });

  it('adjudication: only on a completed item, once (final)', () => {
    const adjudicate: QueueItemCommand = { type: 'AdjudicateItem', item: item(), decidedBy: 'eng', value, note: 'B is correct', rules };
    const adjudicated: QueueItemEvent = { type: 'QueueItemAdjudicated', data: { ...base, entryId: 'r:t', decidedBy: 'eng', value: value as never, note: 'B is correct' } };
    spec().given([responded('u1')]).when(adjudicate).thenThrows({ code: 'queue-item.not-completed' });
    spec().given([responded('u1'), completed('u1')]).when(adjudicate).then([adjudicated]);
    spec().given([responded('u1'), completed('u1'), adjudicated]).when(adjudicate).thenThrows({ code: 'queue-item.adjudicated' });
  });
});

describe('queue item: removal and withdrawn answers', () => {
  const removed: QueueItemEvent = { type: 'QueueItemRemoved', data: { ...base, by: 'e1' } };
  const remove: QueueItemCommand = { type: 'RemoveItem', item: item(), by: 'e1' };
  const withdraw = (annotator: string, n = 1): QueueItemCommand => ({ type: 'WithdrawResponse', item: item(n), annotator });
  const withdrawn = (annotator: string, counted = true): QueueItemEvent => ({ type: 'QueueItemResponseWithdrawn', data: { ...base, annotationId: `a-${annotator}`, annotator, counted } });

  it('an item nobody answered is removed once (also while reserved); an answered one stays', () => {
    spec().given([]).when(remove).then([removed]);
    spec().given([reserved('u1')]).when(remove).then([removed]);
    spec().given([removed]).when(remove).then([]);
    spec().given([reserved('u1'), responded('u1')]).when(remove).thenThrows({ kind: 'conflict', code: 'queue-item.answered' });
  });

  it('a removed item is neither reserved, skipped nor answered', () => {
    spec().given([removed]).when(reserve('u1')).thenThrows({ kind: 'conflict', code: 'queue-item.removed' });
    spec().given([removed]).when({ type: 'SkipItem', item: item(), annotator: 'u1' }).thenThrows({ code: 'queue-item.removed' });
    spec().given([reserved('u1'), removed]).when(respond('u1')).thenThrows({ code: 'queue-item.removed' });
  });

  it('in a closed queue nothing is reserved or skipped, and only work in hand is answered: a reservation made before the close, while it runs', () => {
    const closed = { ...item(), queueClosed: true };
    const answer = (annotator: string): QueueItemCommand => ({ type: 'RespondToItem', item: closed, annotator, annotationId: `a-${annotator}` });
    spec().given([]).when({ type: 'ReserveItem', item: closed, annotator: 'u1', reservationSeconds: 300 }).thenThrows({ kind: 'conflict', code: 'queue.closed' });
    spec().given([reserved('u1')]).when({ type: 'SkipItem', item: closed, annotator: 'u1' }).thenThrows({ code: 'queue.closed' });
    // The holder's answer is kept (and completes the item at N as usual).
    spec(at(299)).given([reserved('u1')]).when(answer('u1')).then([responded('u1'), completed('u1')]);
    // Past its end, or without one, or the reservation released: refused.
    spec(at(300)).given([reserved('u1')]).when(answer('u1')).thenThrows({ kind: 'conflict', code: 'queue.closed' });
    spec().given([reserved('u1')]).when(answer('u2')).thenThrows({ kind: 'conflict', code: 'queue.closed' });
    spec().given([reserved('u1'), { type: 'QueueItemReleased', data: { ...base, annotator: 'u1' } }]).when(answer('u1')).thenThrows({ code: 'queue.closed' });
    // An archived queue takes nothing, reservation or not.
    spec().given([reserved('u1')]).when({ ...answer('u1'), item: { ...closed, queueArchived: true } }).thenThrows({ kind: 'conflict', code: 'queue.closed' });
  });

  it('an annotator withdraws their answer before the item completes, and may answer it again', () => {
    spec().given([responded('u1')]).when(withdraw('u1', 2)).then([withdrawn('u1')]);
    spec().given([responded('u1'), withdrawn('u1')]).when(respond('u1', 2)).then([responded('u1')]);
    // The withdrawn answer no longer counts: the next two answers complete the item at N = 2.
    spec().given([responded('u1'), withdrawn('u1'), responded('u2')]).when({ ...respond('u3', 2) }).then([
      responded('u3'),
      completed('u2', 'u3'),
    ]);
  });

  it('a counted answer of a completed item is kept (revise it instead); an extra one may go; no answer: not found', () => {
    spec().given([responded('u1'), completed('u1')]).when(withdraw('u1')).thenThrows({ kind: 'conflict', code: 'queue-item.completed' });
    spec().given([responded('u1'), completed('u1'), responded('u2', false)]).when(withdraw('u2')).then([withdrawn('u2', false)]);
    spec().given([responded('u1')]).when(withdraw('u2', 2)).thenThrows({ kind: 'not-found', code: 'queue-item.no-answer' });
  });
});

