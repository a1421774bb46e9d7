import { DomainError } from '@camel/contracts';
import { matchesSearch, parseSearch, validLogFilter } from './log-filter';

const refusal = (raw: unknown) => {
  try {
    validLogFilter(raw, 'source.filter', 'queue.source.invalid');
  } catch (error) {
    if (error instanceof DomainError) return [error.kind, error.code, error.field];
    throw error;
  }
  throw new Error('accepted');
};

describe('validLogFilter (the one logs filter of queues and snapshots)', () => {
  it('keeps the known members of their types, in a fixed order', () => {
    const filter = validLogFilter(
      { q: '"stop loss"', annotated: false, reason: 'task_done', role: 'assistant', workflow: 'trading', from: '2026-01-01T00:00:00Z' },
      'selection.filter',
      'dataset.selection.filter',
    );
    expect(filter).toEqual({ workflow: 'trading', role: 'assistant', from: '2026-01-01T00:00:00Z', reason: 'task_done', annotated: false, q: '"stop loss"' });
    expect(Object.keys(filter)).toEqual(['workflow', 'role', 'from', 'reason', 'annotated', 'q']);
    expect(validLogFilter({}, 'f', 'c')).toEqual({});
  });

  it('refuses, naming the member: an unknown one, a role or reason that does not exist, a bad time, a non-boolean annotated, empty or long text', () => {
    expect(refusal({ colour: 'red' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.colour']);
    expect(refusal({ role: 'boss' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.role']);
    expect(refusal({ reason: 'bored' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.reason']);
    expect(refusal({ to: 'tomorrow' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.to']);
    expect(refusal({ annotated: 'yes' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.annotated']);
    expect(refusal({ q: '  ' })).toEqual(['validation', 'queue.source.invalid', 'source.filter.q']);
    expect(refusal({ agent: 'x'.repeat(501) })).toEqual(['validation', 'queue.source.invalid', 'source.filter.agent']);
    expect(refusal({ runId: 7 })).toEqual(['validation', 'queue.source.invalid', 'source.filter.runId']);
    expect(refusal([])).toEqual(['validation', 'queue.source.invalid', 'source.filter']);
    expect(refusal(null)).toEqual(['validation', 'queue.source.invalid', 'source.filter']);
  });
});

describe('parseSearch (the words people type)', () => {
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

describe('matchesSearch (a snapshot’s full text, in memory)', () => {
  const text = 'Solution: use a Stop-Loss order, then buy low. Next request.';
  it('matches whole words case-insensitively, phrases as consecutive words, alternatives and exclusions', () => {
    expect(matchesSearch(text, 'stop loss')).toBe(true);
    expect(matchesSearch(text, '"stop loss"')).toBe(true);
    expect(matchesSearch(text, '"loss stop"')).toBe(false);
    expect(matchesSearch(text, 'sto')).toBe(false);
    expect(matchesSearch(text, 'BUY')).toBe(true);
    expect(matchesSearch(text, 'pandas or buy')).toBe(true);
    expect(matchesSearch(text, 'buy -low')).toBe(false);
    expect(matchesSearch(text, '-pandas')).toBe(true);
    expect(matchesSearch(text, '""')).toBe(false);
  });
});
