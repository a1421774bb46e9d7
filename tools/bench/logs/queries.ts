import type { LogQuery } from '@camel/contracts';
import type { LogsReadModel, LogEntryRecord } from '@camel/workflows/server';
import { performance } from 'node:perf_hooks';
import { In, type Repository } from 'typeorm';
import { AGENTS, COMMON_WORDS, MODELS, PROJECT_ID, RARE_WORDS, SPAN_MS, START_MS } from './corpus';

/** One row of the table: a family of explorer queries, varied per sample so no single plan is cached hot. */
export interface QueryCase {
  readonly name: string;
  readonly query: (sample: number) => LogQuery;
}

const WINDOW_MS = 6 * 3600 * 1000;
const timeWindow = (sample: number): LogQuery => {
  const from = START_MS + ((0.2 + 0.6 * ((sample * 0.37) % 1)) * SPAN_MS);
  return { from: new Date(from).toISOString(), to: new Date(from + WINDOW_MS).toISOString() };
};

export const DEEP_PAGE = 50;

/** `deepCursor`: the `after` cursor of the newest entries' page DEEP_PAGE (walked once, untimed). */
export function queryCases(deepCursor: string): QueryCase[] {
  return [
    { name: 'newest page', query: () => ({}) },
    { name: 'filtered (agent + model)', query: (i) => ({ agent: AGENTS[i % AGENTS.length], model: MODELS[(i * 3) % MODELS.length] }) },
    { name: 'time range (6 h window)', query: timeWindow },
    { name: 'keyword, common word', query: (i) => ({ q: COMMON_WORDS[i % COMMON_WORDS.length] }) },
    { name: 'keyword, rare word', query: (i) => ({ q: RARE_WORDS[i % RARE_WORDS.length] }) },
    { name: `deep keyset page (${DEEP_PAGE}th)`, query: () => ({ after: deepCursor }) },
  ];
}

/** Follows `next` from the first page to the cursor of page `page` (its `after`). */
export async function cursorOfPage(logs: LogsReadModel, page: number): Promise<string> {
  let after: string | undefined;
  for (let i = 1; i < page; i += 1) {
    const next = (await logs.page(PROJECT_ID, after ? { after } : {})).next;
    if (!next) throw new Error(`only ${i} pages of entries: load more for a ${page}th page`);
    after = next;
  }
  if (!after) throw new Error('a deep page needs page > 1');
  return after;
}

export interface CaseTiming {
  readonly name: string;
  /** Entries on the page (the last sample's). */
  readonly rows: number;
  readonly query: number[];
  readonly reference: number[];
}

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

/**
 * Each sample runs the explorer's query (LogsReadModel.page, as the api's query handler calls it),
 * then the reference: the same entries fetched by primary key through the same repository — the
 * floor of returning exactly those rows, so the ratio is the cost of finding them. Rounds go over
 * every case in turn, so a slow moment of the shared machine spreads over all rows alike.
 */
export async function measureCases(logs: LogsReadModel, entries: Repository<LogEntryRecord>, cases: readonly QueryCase[], samples: number, warmup: number): Promise<CaseTiming[]> {
  const timings = cases.map((testCase) => ({ name: testCase.name, rows: 0, query: [] as number[], reference: [] as number[] }));
  for (let i = 0; i < warmup + samples; i += 1) {
    for (const [c, testCase] of cases.entries()) {
      const [page, queryMs] = await timed(() => logs.page(PROJECT_ID, testCase.query(i)));
      const ids = page.entries.map((entry) => entry.id);
      const [, referenceMs] = await timed(() => entries.findBy({ id: In(ids) }));
      if (i < warmup) continue;
      timings[c].query.push(queryMs);
      timings[c].reference.push(referenceMs);
      timings[c].rows = ids.length;
    }
  }
  return timings;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
