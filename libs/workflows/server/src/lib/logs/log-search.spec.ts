import { parseSearch } from './log-search';

describe('parseSearch (the words people type, for SQLite FTS5)', () => {
  it('requires every word, keeps quoted phrases, splits alternatives at "or", excludes -words', () => {
    expect(parseSearch('Momentum  bot')).toEqual([{ include: ['Momentum', 'bot'], exclude: [] }]);
    expect(parseSearch('"stop loss" tech')).toEqual([{ include: ['stop loss', 'tech'], exclude: [] }]);
    expect(parseSearch('pandas OR numpy -crypto')).toEqual([
      { include: ['pandas'], exclude: [] },
      { include: ['numpy'], exclude: ['crypto'] },
    ]);
    expect(parseSearch('-"day trading"')).toEqual([{ include: [], exclude: ['day trading'] }]);
  });

  it('drops what FTS5 would choke on: stray quotes, empty phrases, a lone "or"', () => {
    expect(parseSearch('a"b ""  or')).toEqual([{ include: ['ab'], exclude: [] }]);
    expect(parseSearch('   ')).toEqual([]);
  });
});
