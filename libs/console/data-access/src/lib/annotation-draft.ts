import type { AnnotationFlag, AnnotationValue, PreferenceChoice } from '@camel/contracts';
import type { AnnotateAction } from './annotate-keys';

/** What the annotator has given so far for the item on screen. */
export interface AnnotationDraft {
  readonly choice: PreferenceChoice | null;
  readonly rating: number | null;
  readonly tags: readonly string[];
  readonly flags: readonly AnnotationFlag[];
  readonly rationale: string;
  /** The edited response, or null while the annotator has not opened the correction editor. */
  readonly correction: string | null;
  /** The judge suggestion the draft started from. */
  readonly fromSuggestion: string | null;
}

export const EMPTY_DRAFT: AnnotationDraft = { choice: null, rating: null, tags: [], flags: [], rationale: '', correction: null, fromSuggestion: null };

/** A judge's pre-filled answer for an item. */
export interface DraftSuggestion {
  readonly id: string;
  readonly value: AnnotationValue;
}

const toggled = <T>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

/** The draft taking a suggestion's value (the annotator may change it afterwards). */
export function acceptSuggestion(draft: AnnotationDraft, suggestion: DraftSuggestion): AnnotationDraft {
  const value = suggestion.value;
  return {
    choice: value.preference?.choice ?? draft.choice,
    rating: value.rating ?? draft.rating,
    tags: value.tags ? [...value.tags] : draft.tags,
    flags: value.flags ? [...value.flags] : draft.flags,
    rationale: value.rationale ?? draft.rationale,
    correction: value.correction ?? draft.correction,
    fromSuggestion: suggestion.id,
  };
}

/**
 * The draft after a key's action (choices, ratings, tags, flags; a second press of the same choice
 * or rating clears it). Actions that are not about the draft (submit, skip, help, focus) leave it.
 */
export function applyDraftAction(draft: AnnotationDraft, action: AnnotateAction, labels: readonly string[], suggestion: DraftSuggestion | null): AnnotationDraft {
  switch (action.kind) {
    case 'choose':
      return { ...draft, choice: draft.choice === action.choice ? null : action.choice };
    case 'rate':
      return { ...draft, rating: draft.rating === action.rating ? null : action.rating };
    case 'tag': {
      const label = labels[action.index];
      return label === undefined ? draft : { ...draft, tags: toggled(draft.tags, label) };
    }
    case 'flag':
      return { ...draft, flags: toggled(draft.flags, action.flag) };
    case 'accept-suggestion':
      return suggestion ? acceptSuggestion(draft, suggestion) : draft;
    default:
      return draft;
  }
}

export interface DraftTarget {
  /** The entry's own content: a correction equal to it is no correction. */
  readonly original: string;
  /** The alternative compared with (pairwise items). */
  readonly alternativeEntryId: string | null;
  readonly requireChoice: boolean;
}

/**
 * The value to submit, or why there is none yet: a pairwise item needs a choice (when the queue asks
 * for one), and any item at least one answer. Text is trimmed; an unchanged correction is dropped.
 */
export function draftValue(draft: AnnotationDraft, target: DraftTarget): { value: AnnotationValue } | { missing: string } {
  const rationale = draft.rationale.trim();
  const correction = draft.correction?.trim() ?? '';
  const value: AnnotationValue = {
    ...(draft.rating !== null ? { rating: draft.rating } : {}),
    ...(rationale ? { rationale } : {}),
    ...(draft.tags.length > 0 ? { tags: [...draft.tags] } : {}),
    ...(correction && correction !== target.original.trim() ? { correction } : {}),
    ...(draft.choice && target.alternativeEntryId ? { preference: { alternativeEntryId: target.alternativeEntryId, choice: draft.choice } } : {}),
    ...(draft.flags.length > 0 ? { flags: [...draft.flags] } : {}),
  };
  if (target.requireChoice && target.alternativeEntryId && !draft.choice) return { missing: 'Choose A, B, equal (E) or both bad (X).' };
  if (Object.keys(value).length === 0) return { missing: 'Give at least one answer.' };
  return { value };
}
