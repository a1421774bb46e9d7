import type { AnnotationEvent, AnnotationSubmitted, AnnotationValue } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { annotationDecider, type AnnotationCommand } from './annotation.decider';
import type { ValueRules } from './value';

const rules: ValueRules = { labels: ['helpful', 'off-topic'], ratingScale: { min: 1, max: 7 }, alternatives: ['run:alt1', 'run:alt2'] };
const spec = deciderSpec(annotationDecider);

const submit = (value: unknown, more: Partial<Extract<AnnotationCommand, { type: 'SubmitAnnotation' }>> = {}): AnnotationCommand => ({
  type: 'SubmitAnnotation',
  annotationId: 'a1',
  projectId: 'p1',
  entryId: 'run:t1',
  runId: 'run',
  queueId: null,
  itemId: null,
  annotator: 'u1',
  value,
  rules,
  fromSuggestion: null,
  suggestionId: null,
  extra: false,
  blind: false,
  ...more,
});

const submitted = (value: AnnotationValue, more: Partial<AnnotationSubmitted['data']> = {}): AnnotationEvent => ({
  type: 'AnnotationSubmitted',
  data: { annotationId: 'a1', projectId: 'p1', entryId: 'run:t1', runId: 'run', queueId: null, itemId: null, annotator: 'u1', value, fromSuggestion: null, extra: false, blind: false, ...more },
});

describe('annotation decider: each kind', () => {
  it.each<[string, AnnotationValue]>([
    ['rating on the scale', { rating: 7 }],
    ['rationale (trimmed)', { rationale: 'clear and correct' }],
    ['tags from the label set', { tags: ['helpful', 'off-topic'] }],
    ['correction', { correction: 'A better answer.' }],
    ['pairwise preference against an alternative of the turn', { preference: { alternativeEntryId: 'run:alt2', choice: 'both_bad' } }],
    ['flags', { flags: ['unsafe', 'broken'] }],
    ['everything at once', { rating: 1, rationale: 'r', tags: ['helpful'], correction: 'c', preference: { alternativeEntryId: 'run:alt1', choice: 'equal' }, flags: ['broken'] }],
  ])('%s', (_kind, value) => {
    const raw = value.rationale ? { ...value, rationale: `  ${value.rationale}  ` } : value;
    spec.given([]).when(submit(raw)).then([submitted(value)]);
  });

  it.each<[string, unknown, string]>([
    ['an empty value', {}, 'value'],
    ['a rating off the scale', { rating: 8 }, 'value.rating'],
    ['a fractional rating', { rating: 2.5 }, 'value.rating'],
    ['a tag outside the label set', { tags: ['helpful', 'rude'] }, 'value.tags.1'],
    ['a tag twice', { tags: ['helpful', 'helpful'] }, 'value.tags.1'],
    ['an empty correction', { correction: '   ' }, 'value.correction'],
    ['a preference naming another turn’s entry', { preference: { alternativeEntryId: 'other:alt', choice: 'A' } }, 'value.preference.alternativeEntryId'],
    ['an unknown choice', { preference: { alternativeEntryId: 'run:alt1', choice: 'C' } }, 'value.preference.choice'],
    ['an unknown flag', { flags: ['spam'] }, 'value.flags.0'],
    ['an unknown member', { rating: 3, score: 1 }, 'value.score'],
  ])('refuses %s, naming %s', (_case, value, field) => {
    spec.given([]).when(submit(value)).thenThrows({ kind: 'validation', field });
  });

  it('in a pairwise queue the preference is required and must name the item’s alternative', () => {
    const pairwise = { ...rules, pairwiseWith: 'run:alt1' };
    spec.given([]).when(submit({ rating: 3 }, { rules: pairwise })).thenThrows({ kind: 'validation', field: 'value.preference' });
    spec.given([]).when(submit({ preference: { alternativeEntryId: 'run:alt2', choice: 'A' } }, { rules: pairwise })).thenThrows({ field: 'value.preference.alternativeEntryId' });
    // The item names its alternative: the answer may leave it out, and records it.
    spec.given([]).when(submit({ preference: { choice: 'A' } }, { rules: pairwise })).then([submitted({ preference: { alternativeEntryId: 'run:alt1', choice: 'A' } })]);
  });

  it('outside a pairwise queue a preference without its alternative says it is required', () =>
    spec.given([]).when(submit({ preference: { choice: 'A' } })).thenThrows({ kind: 'validation', code: 'annotation.preference.alternative-required', field: 'value.preference.alternativeEntryId' }));

  it('records the suggestion it started from; an unknown suggestion is refused', () => {
    spec.given([]).when(submit({ rating: 3 }, { fromSuggestion: 's1', suggestionId: 's1' })).then([submitted({ rating: 3 }, { fromSuggestion: 's1' })]);
    spec.given([]).when(submit({ rating: 3 }, { fromSuggestion: 's2', suggestionId: 's1' })).thenThrows({ kind: 'validation', field: 'fromSuggestion' });
  });

  it('a second submission on the same stream is a conflict', () => {
    spec.given([submitted({ rating: 3 })]).when(submit({ rating: 4 })).thenThrows({ kind: 'conflict', code: 'annotation.exists' });
  });
});

describe('annotation decider: edit history', () => {
  const revise = (value: unknown, by = 'u1'): AnnotationCommand => ({ type: 'ReviseAnnotation', annotationId: 'a1', by, value, rules, blind: false });

  it('a revision records the new value (the stream keeps the old ones)', () => {
    spec.given([submitted({ rating: 3 })]).when(revise({ rating: 5, rationale: 'on reflection' })).then([
      { type: 'AnnotationRevised', data: { annotationId: 'a1', value: { rating: 5, rationale: 'on reflection' }, annotator: 'u1', projectId: 'p1', blind: false } },
    ]);
  });

  it('a revision to the same value records nothing', () => {
    spec.given([submitted({ rating: 3, tags: ['helpful'] })]).when(revise({ tags: ['helpful'], rating: 3 })).then([]);
  });

  it('only the annotator revises or withdraws; a withdrawn annotation stays withdrawn; a missing one is not found', () => {
    spec.given([submitted({ rating: 3 })]).when(revise({ rating: 4 }, 'u2')).thenThrows({ kind: 'forbidden' });
    const withdrawn: AnnotationEvent = { type: 'AnnotationWithdrawn', data: { annotationId: 'a1', reason: null } };
    spec.given([submitted({ rating: 3 }), withdrawn]).when(revise({ rating: 4 })).thenThrows({ kind: 'conflict', code: 'annotation.withdrawn' });
    spec.given([]).when(revise({ rating: 4 })).thenThrows({ kind: 'not-found' });
    spec.given([submitted({ rating: 3 })]).when({ type: 'WithdrawAnnotation', annotationId: 'a1', by: 'u1', reason: 'mistake' }).then([
      { type: 'AnnotationWithdrawn', data: { annotationId: 'a1', reason: 'mistake' } },
    ]);
  });

  it('a revision is validated like a submission', () => {
    spec.given([submitted({ rating: 3 })]).when(revise({ rating: 0 })).thenThrows({ kind: 'validation', field: 'value.rating' });
  });
});
