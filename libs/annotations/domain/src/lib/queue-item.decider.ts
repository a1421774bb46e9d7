import { DomainError, type AnnotationValue, type QueueItemEvent } from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { validAnnotationValue, type ValueRules } from './value';

/** Facts about the item every command carries (from the queues read model): the item stream holds only what happens to it. */
export interface ItemFacts {
  readonly queueId: string;
  readonly projectId: string;
  readonly itemId: string;
  readonly entryId: string;
  readonly responsesRequired: number;
  /**
   * The queue was closed or archived (read model): nothing is reserved, skipped or answered any
   * more — except an answer of a closed (not archived) queue's item by an annotator whose
   * reservation still runs: work in hand when the queue closed is kept.
   */
  readonly queueClosed?: boolean;
  readonly queueArchived?: boolean;
}

export type QueueItemCommand =
  | { readonly type: 'ReserveItem'; readonly item: ItemFacts; readonly annotator: string; readonly reservationSeconds: number }
  | { readonly type: 'ReleaseItem'; readonly item: ItemFacts; readonly annotator: string }
  | { readonly type: 'SkipItem'; readonly item: ItemFacts; readonly annotator: string }
  | { readonly type: 'RespondToItem'; readonly item: ItemFacts; readonly annotator: string; readonly annotationId: string }
  | { readonly type: 'SuggestForItem'; readonly item: ItemFacts; readonly suggestionId: string; readonly agent: string; readonly model: string | null; readonly value: unknown; readonly rules: ValueRules }
  | { readonly type: 'RecordSuggestionFailure'; readonly item: ItemFacts; readonly agent: string; readonly error: string }
  /** Take an item nobody answered out of the queue. */
  | { readonly type: 'RemoveItem'; readonly item: ItemFacts; readonly by: string }
  /** The annotator takes their answer back, before the item completes. */
  | { readonly type: 'WithdrawResponse'; readonly item: ItemFacts; readonly annotator: string }
  | { readonly type: 'AdjudicateItem'; readonly item: ItemFacts; readonly decidedBy: string; readonly value: unknown; readonly note: string | null; readonly rules: ValueRules };

export interface ItemResponse {
  readonly annotationId: string;
  readonly annotator: string;
  readonly counted: boolean;
}

export interface QueueItemState {
  /** annotator → ISO end of their reservation (expired ones linger until replaced; `now` decides). */
  readonly reservations: Readonly<Record<string, string>>;
  readonly responses: readonly ItemResponse[];
  readonly completed: boolean;
  readonly adjudicated: boolean;
  readonly skippedBy: readonly string[];
  readonly suggestionId: string | null;
  readonly removed: boolean;
}

const initialState: QueueItemState = { reservations: {}, responses: [], completed: false, adjudicated: false, skippedBy: [], suggestionId: null, removed: false };

/**
 * Reserving, skipping and answering need an item still in an open queue; `inHand` (answering with
 * a reservation that still runs) is enough in a closed one, never in an archived one.
 */
function workable(state: QueueItemState, item: ItemFacts, inHand = false): void {
  if (state.removed) throw DomainError.conflict('queue-item.removed', 'the item was removed from the queue');
  if (item.queueArchived) throw DomainError.conflict('queue.closed', 'the queue is archived');
  if (item.queueClosed && !inHand) throw DomainError.conflict('queue.closed', 'the queue is closed (an answer is taken only within a reservation made before it closed)');
}

const counted = (state: QueueItemState) => state.responses.filter((r) => r.counted);

/** Reservations of others still running at `now`. */
export function liveReservations(state: QueueItemState, now: Date, except?: string): string[] {
  return Object.entries(state.reservations)
    .filter(([annotator, until]) => annotator !== except && Date.parse(until) > now.getTime())
    .map(([annotator]) => annotator);
}

const without = (reservations: Readonly<Record<string, string>>, annotator: string) => {
  const { [annotator]: _dropped, ...rest } = reservations;
  return rest;
};

/**
 * One queue item: reservations (slots while someone works), skips, responses, completion at
 * exactly N counted responses, the judge's suggestion and the final adjudication. Two annotators
 * racing for the last slot: the append of the second fails on the stream version, its retry decides
 * on the fresh state and refuses (`queue-item.taken`).
 */
export const queueItemDecider: Decider<QueueItemCommand, QueueItemEvent, QueueItemState> = {
  initialState,

  decide(command, state, { now }) {
    const { queueId, projectId, itemId, entryId, responsesRequired } = command.item;
    const base = { queueId, projectId, itemId };
    switch (command.type) {
      case 'ReserveItem': {
        workable(state, command.item);
        if (state.completed) throw DomainError.conflict('queue-item.completed', 'the item is complete');
        if (state.responses.some((r) => r.annotator === command.annotator)) throw DomainError.conflict('queue-item.answered', 'you already answered this item');
        const others = liveReservations(state, now, command.annotator);
        if (counted(state).length + others.length >= responsesRequired) throw DomainError.conflict('queue-item.taken', 'every open slot of the item is reserved by someone else');
        const until = new Date(now.getTime() + command.reservationSeconds * 1000).toISOString();
        return [{ type: 'QueueItemReserved', data: { ...base, annotator: command.annotator, until } }];
      }
      case 'ReleaseItem':
        return state.reservations[command.annotator] === undefined ? [] : [{ type: 'QueueItemReleased', data: { ...base, annotator: command.annotator } }];
      case 'SkipItem':
        workable(state, command.item);
        if (state.responses.some((r) => r.annotator === command.annotator)) throw DomainError.conflict('queue-item.answered', 'you already answered this item');
        if (state.skippedBy.includes(command.annotator)) return [];
        return [{ type: 'QueueItemSkipped', data: { ...base, annotator: command.annotator } }];
      case 'RespondToItem': {
        const until = state.reservations[command.annotator];
        workable(state, command.item, until !== undefined && Date.parse(until) > now.getTime());
        if (state.responses.some((r) => r.annotator === command.annotator)) {
          throw DomainError.conflict('queue-item.answered', 'you already answered this item: revise your annotation instead');
        }
        const soFar = counted(state);
        const counts = !state.completed && soFar.length < responsesRequired;
        const events: QueueItemEvent[] = [
          { type: 'QueueItemResponded', data: { ...base, annotationId: command.annotationId, annotator: command.annotator, counted: counts } },
        ];
        if (counts && soFar.length + 1 === responsesRequired) {
          events.push({ type: 'QueueItemCompleted', data: { ...base, entryId, annotationIds: [...soFar.map((r) => r.annotationId), command.annotationId] } });
        }
        return events;
      }
      case 'SuggestForItem': {
        if (state.suggestionId !== null) return [];
        const value = validAnnotationValue(command.value, command.rules, 'suggestion');
        return [{ type: 'QueueItemSuggested', data: { ...base, suggestionId: command.suggestionId, entryId, agent: command.agent, model: command.model, value } }];
      }
      case 'RecordSuggestionFailure':
        return state.suggestionId !== null ? [] : [{ type: 'QueueItemSuggestionFailed', data: { ...base, agent: command.agent, error: command.error.slice(0, 2000) } }];
      case 'RemoveItem':
        if (state.removed) return [];
        if (state.responses.length > 0) throw DomainError.conflict('queue-item.answered', 'the item has answers: it stays in the queue (close the queue instead)');
        return [{ type: 'QueueItemRemoved', data: { ...base, by: command.by } }];
      case 'WithdrawResponse': {
        const response = state.responses.find((r) => r.annotator === command.annotator);
        if (!response) throw DomainError.notFound('queue-item.no-answer', 'you have no answer on this item');
        if (state.completed && response.counted) throw DomainError.conflict('queue-item.completed', 'the item is complete and your answer counted: revise it instead');
        return [{ type: 'QueueItemResponseWithdrawn', data: { ...base, annotationId: response.annotationId, annotator: command.annotator, counted: response.counted } }];
      }
      case 'AdjudicateItem': {
        if (!state.completed) throw DomainError.conflict('queue-item.not-completed', 'only a completed item can be adjudicated');
        if (state.adjudicated) throw DomainError.conflict('queue-item.adjudicated', 'the item was already adjudicated (the decision is final)');
        const value: AnnotationValue = validAnnotationValue(command.value, command.rules);
        return [{ type: 'QueueItemAdjudicated', data: { ...base, entryId, decidedBy: command.decidedBy, value, note: command.note } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'QueueItemReserved':
        return { ...state, reservations: { ...state.reservations, [event.data.annotator]: event.data.until } };
      case 'QueueItemReleased':
        return { ...state, reservations: without(state.reservations, event.data.annotator) };
      case 'QueueItemSkipped':
        return { ...state, reservations: without(state.reservations, event.data.annotator), skippedBy: [...state.skippedBy, event.data.annotator] };
      case 'QueueItemResponded':
        return {
          ...state,
          reservations: without(state.reservations, event.data.annotator),
          responses: [...state.responses, { annotationId: event.data.annotationId, annotator: event.data.annotator, counted: event.data.counted }],
        };
      case 'QueueItemCompleted':
        return { ...state, completed: true, reservations: {} };
      case 'QueueItemAdjudicated':
        return { ...state, adjudicated: true };
      case 'QueueItemSuggested':
        return { ...state, suggestionId: event.data.suggestionId };
      case 'QueueItemSuggestionFailed':
        return state;
      case 'QueueItemRemoved':
        return { ...state, removed: true, reservations: {} };
      case 'QueueItemResponseWithdrawn':
        return { ...state, responses: state.responses.filter((r) => r.annotationId !== event.data.annotationId) };
    }
  },
};
