import { EMPTY_DRAFT, applyDraftAction, draftValue, type AnnotationDraft } from './annotation-draft';

const LABELS = ['helpful', 'verbose', 'wrong'];
const SUGGESTION = { id: 'sug-1', value: { preference: { alternativeEntryId: 'r:alt-1', choice: 'B' as const }, rationale: 'B is complete' } };
const PAIR = { original: 'Answer A', alternativeEntryId: 'r:alt-1', requireChoice: true };

describe('applyDraftAction', () => {
  it('sets and clears a choice and a rating, toggles tags by position and flags', () => {
    let draft: AnnotationDraft = EMPTY_DRAFT;
    draft = applyDraftAction(draft, { kind: 'choose', choice: 'A' }, LABELS, null);
    expect(draft.choice).toBe('A');
    draft = applyDraftAction(draft, { kind: 'choose', choice: 'A' }, LABELS, null);
    expect(draft.choice).toBeNull();
    draft = applyDraftAction(draft, { kind: 'rate', rating: 4 }, LABELS, null);
    draft = applyDraftAction(draft, { kind: 'tag', index: 1 }, LABELS, null);
    draft = applyDraftAction(draft, { kind: 'tag', index: 2 }, LABELS, null);
    draft = applyDraftAction(draft, { kind: 'tag', index: 1 }, LABELS, null);
    draft = applyDraftAction(draft, { kind: 'tag', index: 7 }, LABELS, null);
    draft = applyDraftAction(draft, { kind: 'flag', flag: 'unsafe' }, LABELS, null);
    expect(draft).toEqual({ ...EMPTY_DRAFT, rating: 4, tags: ['wrong'], flags: ['unsafe'] });
    expect(applyDraftAction(draft, { kind: 'submit' }, LABELS, null)).toBe(draft);
  });

  it('takes the judge suggestion and records which one', () => {
    const draft = applyDraftAction({ ...EMPTY_DRAFT, rating: 2 }, { kind: 'accept-suggestion' }, LABELS, SUGGESTION);
    expect(draft).toEqual({ ...EMPTY_DRAFT, rating: 2, choice: 'B', rationale: 'B is complete', fromSuggestion: 'sug-1' });
    expect(applyDraftAction(EMPTY_DRAFT, { kind: 'accept-suggestion' }, LABELS, null)).toBe(EMPTY_DRAFT);
  });
});

describe('draftValue', () => {
  it('asks for a choice on a pairwise item, and for some answer on any item', () => {
    expect(draftValue({ ...EMPTY_DRAFT, rating: 3 }, PAIR)).toEqual({ missing: expect.stringContaining('Choose') });
    expect(draftValue(EMPTY_DRAFT, { ...PAIR, alternativeEntryId: null })).toEqual({ missing: 'Give at least one answer.' });
  });

  it('builds the value: trimmed text, the preference against the alternative, an unchanged correction dropped', () => {
    const draft: AnnotationDraft = { ...EMPTY_DRAFT, choice: 'both_bad', rationale: '  too short ', correction: 'Answer A ', tags: ['verbose'] };
    expect(draftValue(draft, PAIR)).toEqual({ value: { rationale: 'too short', tags: ['verbose'], preference: { alternativeEntryId: 'r:alt-1', choice: 'both_bad' } } });
    expect(draftValue({ ...draft, correction: 'Answer A, fixed' }, PAIR)).toEqual({
      value: { rationale: 'too short', tags: ['verbose'], correction: 'Answer A, fixed', preference: { alternativeEntryId: 'r:alt-1', choice: 'both_bad' } },
    });
  });
});
