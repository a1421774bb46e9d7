import { annotateKeyAction, annotateKeyHelp, type AnnotateKeyContext, type KeyPress } from './annotate-keys';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code: /^[0-9]$/.test(key) ? `Digit${key}` : `Key${key.toUpperCase()}`,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
});
const PAIRWISE: AnnotateKeyContext = { typing: false, pairwise: true, ratingMax: 5, tags: 3, suggestion: true };

describe('annotateKeyAction', () => {
  it('maps A / B / E / X to the four pairwise choices, in either case', () => {
    expect(annotateKeyAction(press('a'), PAIRWISE)).toEqual({ kind: 'choose', choice: 'A' });
    expect(annotateKeyAction(press('B'), PAIRWISE)).toEqual({ kind: 'choose', choice: 'B' });
    expect(annotateKeyAction(press('e'), PAIRWISE)).toEqual({ kind: 'choose', choice: 'equal' });
    expect(annotateKeyAction(press('x'), PAIRWISE)).toEqual({ kind: 'choose', choice: 'both_bad' });
    expect(annotateKeyAction(press('a'), { ...PAIRWISE, pairwise: false })).toBeNull();
  });

  it('rates with 1..max of the scale, toggles tags with Shift+digit by physical key', () => {
    expect(annotateKeyAction(press('4'), PAIRWISE)).toEqual({ kind: 'rate', rating: 4 });
    expect(annotateKeyAction(press('6'), PAIRWISE)).toBeNull();
    expect(annotateKeyAction(press('3'), { ...PAIRWISE, ratingMax: null })).toBeNull();
    expect(annotateKeyAction(press('#', { code: 'Digit3', shiftKey: true }), PAIRWISE)).toEqual({ kind: 'tag', index: 2 });
    expect(annotateKeyAction(press('$', { code: 'Digit4', shiftKey: true }), PAIRWISE)).toBeNull();
    expect(annotateKeyAction(press('2', { code: 'Numpad2' }), PAIRWISE)).toEqual({ kind: 'rate', rating: 2 });
  });

  it('submits with Enter, skips with S, opens help with ?, focuses fields, flags, takes the suggestion', () => {
    expect(annotateKeyAction(press('Enter', { code: 'Enter' }), PAIRWISE)).toEqual({ kind: 'submit' });
    expect(annotateKeyAction(press('s'), PAIRWISE)).toEqual({ kind: 'skip' });
    expect(annotateKeyAction(press('?', { code: 'Slash', shiftKey: true }), PAIRWISE)).toEqual({ kind: 'help' });
    expect(annotateKeyAction(press('r'), PAIRWISE)).toEqual({ kind: 'focus', field: 'rationale' });
    expect(annotateKeyAction(press('c'), PAIRWISE)).toEqual({ kind: 'focus', field: 'correction' });
    expect(annotateKeyAction(press('u'), PAIRWISE)).toEqual({ kind: 'flag', flag: 'unsafe' });
    expect(annotateKeyAction(press('k'), PAIRWISE)).toEqual({ kind: 'flag', flag: 'broken' });
    expect(annotateKeyAction(press('g'), PAIRWISE)).toEqual({ kind: 'accept-suggestion' });
    expect(annotateKeyAction(press('g'), { ...PAIRWISE, suggestion: false })).toBeNull();
  });

  it('leaves typing alone in a text field except Esc and Ctrl/Cmd+Enter; browser shortcuts pass', () => {
    const typing = { ...PAIRWISE, typing: true };
    for (const key of ['a', 'b', 's', '1', '?', 'Enter']) expect(annotateKeyAction(press(key), typing)).toBeNull();
    expect(annotateKeyAction(press('Escape', { code: 'Escape' }), typing)).toEqual({ kind: 'escape' });
    expect(annotateKeyAction(press('Enter', { code: 'Enter', ctrlKey: true }), typing)).toEqual({ kind: 'submit' });
    expect(annotateKeyAction(press('Enter', { code: 'Enter', metaKey: true }), typing)).toEqual({ kind: 'submit' });
    expect(annotateKeyAction(press('r', { ctrlKey: true }), PAIRWISE)).toBeNull();
    expect(annotateKeyAction(press('a', { altKey: true }), PAIRWISE)).toBeNull();
  });
});

describe('annotateKeyHelp', () => {
  it('lists only the keys the item offers', () => {
    const keys = (context: Omit<AnnotateKeyContext, 'typing'>) => annotateKeyHelp(context).map((row) => row.keys);
    expect(keys(PAIRWISE)).toEqual(expect.arrayContaining(['A', 'B', 'E', 'X', '1–9', 'Shift+1–9', 'G', 'Enter', 'S', '?']));
    const plain = keys({ pairwise: false, ratingMax: null, tags: 0, suggestion: false });
    expect(plain).not.toEqual(expect.arrayContaining(['A']));
    expect(plain).toEqual(expect.arrayContaining(['Enter', 'S', '?', 'R', 'C']));
    expect(plain).not.toContain('1–9');
  });
});
