import { highlightSegments, queryTerms } from './text-highlight';

const marked = (text: string, query: string) =>
  highlightSegments(text, query)
    .map((segment) => (segment.match ? `[${segment.text}]` : segment.text))
    .join('');

describe('highlightSegments', () => {
  it('marks words starting with a term, ignoring case, and gives the text back whole', () => {
    expect(marked('Running the Parser; a parse run.', 'run parse')).toBe('[Running] the [Parser]; a [parse] [run].');
    const text = 'Solution: use pandas.\nNext request.';
    expect(highlightSegments(text, 'pandas').map((segment) => segment.text).join('')).toBe(text);
  });

  it('does not mark a term inside a word', () => {
    expect(marked('unrun rerun run', 'run')).toBe('unrun rerun [run]');
  });

  it('ignores operators, quotes, excluded words and punctuation; no terms, no marks', () => {
    expect(queryTerms('"trading bot" OR -crypto AND (risk)')).toEqual(['trading', 'risk', 'bot']);
    expect(marked('a trading bot without crypto', '"trading bot" -crypto')).toBe('a [trading] [bot] without crypto');
    expect(highlightSegments('text', '  ')).toEqual([{ text: 'text', match: false }]);
    expect(highlightSegments('', 'x')).toEqual([]);
  });

  it('treats regular-expression characters in a query as text', () => {
    // Punctuation is no part of a term: "5.0" searches the word "50".
    expect(marked('price (USD) is 50', 'USD) 5.0')).toBe('price ([USD]) is [50]');
    expect(() => highlightSegments('a', '[(*+')).not.toThrow();
  });

  it('matches letters beyond ASCII', () => {
    expect(marked('Données prêtes', 'données')).toBe('[Données] prêtes');
  });
});
