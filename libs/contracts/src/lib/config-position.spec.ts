import { columnAt, indexAtColumn } from './config-position';

describe('config problem columns', () => {
  it('count graphemes: an emoji is one column, a BOM none, a tab one', () => {
    expect(columnAt('a: 1', 3)).toBe(4);
    expect(columnAt('\uFEFFversion: "1"', 10)).toBe(10);
    expect(columnAt('x: "🚀👩‍💻", t: 5', 'x: "🚀👩‍💻", t: '.length)).toBe(13);
    expect(columnAt('\tkey: v', 1)).toBe(2);
  });

  it('map back to UTF-16 indices, clamped to the line', () => {
    const line = 'x: "🚀👩‍💻", t: 5';
    expect(indexAtColumn(line, 13)).toBe(line.indexOf('5'));
    expect(indexAtColumn('\uFEFFversion: 1', 10)).toBe(10);
    expect(indexAtColumn('ab', 1)).toBe(0);
    expect(indexAtColumn('ab', 99)).toBe(2);
    for (let column = 1; column <= 13; column++) expect(columnAt(line, indexAtColumn(line, column))).toBe(column);
  });
});
