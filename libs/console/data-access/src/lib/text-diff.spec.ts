import { diffSize, diffWords } from './text-diff';

const render = (original: string, corrected: string) =>
  diffWords(original, corrected)
    .map((part) => (part.op === 'equal' ? part.text : part.op === 'remove' ? `[-${part.text}-]` : `{+${part.text}+}`))
    .join('');

describe('diffWords', () => {
  it('marks the words a correction removed and added, the rest as equal', () => {
    expect(render('Solution: use the csv module. Next request.', 'Solution: use pandas read_csv. Next request.')).toBe(
      'Solution: use [-the csv module.-]{+pandas read_csv.+} Next request.',
    );
  });

  it('gives back the original from equal + removed runs and the correction from equal + added runs', () => {
    const original = 'one two  three\nfour five';
    const corrected = 'zero one three\nfour six five seven';
    const parts = diffWords(original, corrected);
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe(original);
    expect(parts.filter((p) => p.op !== 'remove').map((p) => p.text).join('')).toBe(corrected);
    // Adjacent runs never share an op.
    expect(parts.every((part, i) => i === 0 || parts[i - 1]?.op !== part.op)).toBe(true);
  });

  it('is one equal run for an unchanged text, one added run from nothing, one removed run to nothing', () => {
    expect(diffWords('same text', 'same text')).toEqual([{ op: 'equal', text: 'same text' }]);
    expect(diffWords('', 'new text')).toEqual([{ op: 'add', text: 'new text' }]);
    expect(diffWords('old text', '')).toEqual([{ op: 'remove', text: 'old text' }]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('counts the characters changed', () => {
    expect(diffSize(diffWords('a b c', 'a x c'))).toEqual({ removed: 1, added: 1 });
  });
});
