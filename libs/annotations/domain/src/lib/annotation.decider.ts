import { DomainError, type AnnotationEvent, type AnnotationValue } from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { sameValue, validAnnotationValue, type ValueRules } from './value';

export type AnnotationCommand =
  | {
      readonly type: 'SubmitAnnotation';
      readonly annotationId: string;
      readonly projectId: string;
      readonly entryId: string;
      readonly runId: string;
      readonly queueId: string | null;
      readonly itemId: string | null;
      readonly annotator: string;
      readonly value: unknown;
      readonly rules: ValueRules;
      readonly fromSuggestion: string | null;
      /** The item's suggestion (what `fromSuggestion` may name), read by the caller. */
      readonly suggestionId: string | null;
      readonly extra: boolean;
      readonly blind: boolean;
    }
  | {
      readonly type: 'ReviseAnnotation';
      readonly annotationId: string;
      readonly by: string;
      readonly value: unknown;
      readonly rules: ValueRules;
      readonly blind: boolean;
    }
  | { readonly type: 'WithdrawAnnotation'; readonly annotationId: string; readonly by: string; readonly reason: string | null };

export type AnnotationState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'withdrawn';
      readonly projectId: string;
      readonly annotator: string;
      readonly queueId: string | null;
      readonly value: AnnotationValue;
      readonly revision: number;
    };

function existing(state: AnnotationState, by: string) {
  if (state.status === 'none') throw DomainError.notFound('annotation.not-found', 'annotation does not exist');
  if (state.annotator !== by) throw DomainError.forbidden('annotation.not-yours', 'only its annotator may change an annotation');
  if (state.status === 'withdrawn') throw DomainError.conflict('annotation.withdrawn', 'the annotation was withdrawn');
  return state;
}

/** One annotator's answer about one log entry; the stream is its edit history. */
export const annotationDecider: Decider<AnnotationCommand, AnnotationEvent, AnnotationState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    switch (command.type) {
      case 'SubmitAnnotation': {
        if (state.status !== 'none') throw DomainError.conflict('annotation.exists', 'annotation already submitted');
        const value = validAnnotationValue(command.value, command.rules);
        if (command.fromSuggestion !== null && command.fromSuggestion !== command.suggestionId) {
          throw DomainError.validation('annotation.suggestion.unknown', 'fromSuggestion', 'fromSuggestion must be the item’s suggestion id');
        }
        return [
          {
            type: 'AnnotationSubmitted',
            data: {
              annotationId: command.annotationId,
              projectId: command.projectId,
              entryId: command.entryId,
              runId: command.runId,
              queueId: command.queueId,
              itemId: command.itemId,
              annotator: command.annotator,
              value,
              fromSuggestion: command.fromSuggestion,
              extra: command.extra,
              blind: command.blind,
            },
          },
        ];
      }
      case 'ReviseAnnotation': {
        const current = existing(state, command.by);
        const value = validAnnotationValue(command.value, command.rules);
        if (sameValue(value, current.value)) return [];
        return [
          {
            type: 'AnnotationRevised',
            data: { annotationId: command.annotationId, value, annotator: current.annotator, projectId: current.projectId, blind: command.blind },
          },
        ];
      }
      case 'WithdrawAnnotation': {
        existing(state, command.by);
        return [{ type: 'AnnotationWithdrawn', data: { annotationId: command.annotationId, reason: command.reason } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AnnotationSubmitted':
        return {
          status: 'active',
          projectId: event.data.projectId,
          annotator: event.data.annotator,
          queueId: event.data.queueId,
          value: event.data.value,
          revision: 1,
        };
      case 'AnnotationRevised':
        return state.status === 'none' ? state : { ...state, value: event.data.value, revision: state.revision + 1 };
      case 'AnnotationWithdrawn':
        return state.status === 'none' ? state : { ...state, status: 'withdrawn' };
    }
  },
};
