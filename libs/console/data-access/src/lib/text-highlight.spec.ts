import { highlightSegments, queryTerms } from './text-highlight';

const marked = (text: string, query: string) =>
  highlightSegments(text, query)
    .map((segment) => (segment.match ? `[${segment.text}]` : segment.text))
    .join('');

describe('highlightSegments', () => {
  it('marks whole words equal to a term, ignoring case, as the api matches them, and gives the text back whole', () => {
    // No stemming: the api finds "parse" and "Parse", never "parser" or "running".
    expect(marked('Running the Parser; a Parse run.', 'run parse')).toBe('Running the Parser; a [Parse] [run].');
    const text = 'Solution: use pandas.\nNext request.';
    expect(highlightSegments(text, 'pandas').map((segment) => segment.text).join('')).toBe(text);
  });

  it('does not mark a term inside a word; an underscore separates words, as in the index', () => {
    expect(marked('unrun rerun run', 'run')).toBe('unrun rerun [run]');
    expect(marked('load_portfolio() reads the portfolio', 'portfolio')).toBe('load_[portfolio]() reads the [portfolio]');
    expect(queryTerms('load_portfolio')).toEqual(['portfolio', 'load']);
  });

  it('ignores operators, quotes, excluded words and punctuation; no terms, no marks', () => {
    expect(queryTerms('"trading bot" OR -crypto AND (risk)')).toEqual(['trading', 'risk', 'bot']);
    expect(marked('a trading bot without crypto', '"trading bot" -crypto')).toBe('a [trading] [bot] without crypto');
    expect(highlightSegments('text', '  ')).toEqual([{ text: 'text', match: false }]);
    expect(highlightSegments('', 'x')).toEqual([]);
  });

  it('treats regular-expression characters in a query as text', () => {
    // Punctuation separates words: "5.0" is the words "5" and "0".
    expect(marked('price (USD) is 5.0, not 50', 'USD) 5.0')).toBe('price ([USD]) is [5].[0], not 50');
    expect(() => highlightSegments('a', '[(*+')).not.toThrow();
  });

  it('matches letters beyond ASCII', () => {
    expect(marked('Données prêtes', 'données')).toBe('[Données] prêtes');
  });
});
