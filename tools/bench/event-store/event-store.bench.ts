/**
 * Event store throughput on both adapters, each row next to a bare-table ceiling on the same engine.
 *
 *   node tools/bench/run.mjs event-store [--quick] [--json] [--engines=postgres,sqlite] [--rows=sequential,...]
 *                                        [--compare=/path/to/other/checkout] [--repeat=N]
 *
 * PostgreSQL: a throwaway cluster with fsync on (tools/test/postgres.mjs), autovacuum off (rows read
 * tables as written, without statistics), one new database per measurement. SQLite: a new file per
 * measurement, the adapter's settings (WAL, synchronous=NORMAL). `--compare` also runs every adapter
 * row with another checkout's event store library (e.g. main's), in the same run, for a ratio.
 * `--repeat=N` measures every side N times, interleaved, and reports each side's median.
 * Results in docs/benchmarks/event-store.md.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatInt, formatTable, log, machineInfo, parseFlags, pickNames, type BenchContext, type Timing } from '../harness';
import { FULL, PAGE, QUICK, ROWS, type Row, type Sizes } from './rows';
import { PostgresEnvironment, SqliteEnvironment, type Engine, type Environment, type StoreOpener, type Target, type WriteCost } from './targets';

const TARGET_PERCENT = 70;

interface Side {
  readonly timing: Timing;
  /** Per append (or ceiling INSERT) of the timed part; null for read rows and SQLite. */
  readonly cost: WriteCost | null;
}

interface Result {
  readonly row: string;
  readonly label: string;
  readonly engine: Engine;
  readonly eventsPerSecond: number;
  readonly baselineEventsPerSecond: number;
  readonly percentOfBaseline: number;
  readonly adapter: Side;
  readonly baseline: Side;
  readonly compared: Side | null;
}

const perAppend = (cost: WriteCost | null, appends: number): WriteCost | null =>
  cost && { xids: cost.xids / appends, walRecords: cost.walRecords / appends, walBytes: cost.walBytes / appends };

/** The repetition whose timing is the median (an even count takes the lower middle). */
const median = (sides: readonly Side[]): Side =>
  [...sides].sort((a, b) => a.timing.perSecond - b.timing.perSecond)[Math.floor((sides.length - 1) / 2)];

async function measure(environment: Environment, row: Row, sizes: Sizes, compare: StoreOpener | null, repeat: number): Promise<Result> {
  const run = async (side: 'adapter' | 'baseline', open?: StoreOpener): Promise<Side> => {
    const target: Target = await environment.fresh(open);
    try {
      const timing = await row[side](target, sizes);
      return { timing, cost: row.appends ? perAppend(await target.writeCost(), row.appends(sizes)) : null };
    } finally {
      await target.dispose();
    }
  };
  // Interleaved, so a slow spell of a shared machine hits every side alike.
  const runs: { baseline: Side; adapter: Side; compared: Side | null }[] = [];
  for (let r = 0; r < repeat; r += 1) {
    const baselineRun = await run('baseline');
    const adapterRun = await run('adapter');
    runs.push({ baseline: baselineRun, adapter: adapterRun, compared: compare ? await run('adapter', compare) : null });
  }
  const baseline = median(runs.map((r) => r.baseline));
  const adapter = median(runs.map((r) => r.adapter));
  const compared = compare ? median(runs.map((r) => r.compared as Side)) : null;
  const result: Result = {
    row: row.key,
    label: row.label,
    engine: environment.engine,
    eventsPerSecond: adapter.timing.perSecond,
    baselineEventsPerSecond: baseline.timing.perSecond,
    percentOfBaseline: (100 * adapter.timing.perSecond) / baseline.timing.perSecond,
    adapter,
    baseline,
    compared,
  };
  log(
    `  ${environment.engine} ${row.key}: ${formatInt(adapter.timing.perSecond)} events/s ` +
      `(baseline ${formatInt(baseline.timing.perSecond)}, ${Math.floor(result.percentOfBaseline)} %` +
      `${compared ? `; compared ${formatInt(compared.timing.perSecond)}` : ''})`,
  );
  return result;
}

/** Another checkout's `openEventStore`, compiled by the same loader (its `@camel/*` imports resolve here). */
function compareOpener(dir: string | undefined): StoreOpener | null {
  if (!dir) return null;
  const entry = join(resolve(dir), 'libs/event-store/src/index.ts');
  if (!existsSync(entry)) throw new Error(`--compare: no ${entry}`);
  return (require(entry) as { openEventStore: StoreOpener }).openEventStore;
}

const percent = (value: number): string => `${Math.floor(value)} %`;
const costCell = (cost: WriteCost | null | undefined, pick: (c: WriteCost) => number, digits: number): string =>
  cost ? pick(cost).toFixed(digits) : '-';

function tables(results: readonly Result[], compared: boolean): string[] {
  const speed = formatTable(
    ['row', 'engine', 'events/s', 'baseline events/s', '% of baseline', ...(compared ? ['compared events/s', 'vs compared'] : [])],
    results.map((r) => [
      r.label,
      r.engine,
      formatInt(r.eventsPerSecond),
      formatInt(r.baselineEventsPerSecond),
      `${percent(r.percentOfBaseline)}${r.percentOfBaseline < TARGET_PERCENT ? ' *' : ''}`,
      ...(compared && r.compared
        ? [formatInt(r.compared.timing.perSecond), percent((100 * r.eventsPerSecond) / r.compared.timing.perSecond)]
        : []),
    ]),
    compared ? [2, 3, 4, 5, 6] : [2, 3, 4],
  );
  const costed = results.filter((r) => r.adapter.cost);
  if (costed.length === 0) return [speed];
  const sides = (r: Result) => [r.adapter.cost, ...(compared ? [r.compared?.cost] : []), r.baseline.cost];
  const heads = (what: string) => [`${what}`, ...(compared ? [`${what} compared`] : []), `${what} baseline`];
  const cost = formatTable(
    ['row (per append)', 'engine', ...heads('xids'), ...heads('WAL records'), ...heads('WAL bytes')],
    costed.map((r) => [
      r.label,
      r.engine,
      ...sides(r).map((c) => costCell(c, (x) => x.xids, 3)),
      ...sides(r).map((c) => costCell(c, (x) => x.walRecords, 1)),
      ...sides(r).map((c) => costCell(c, (x) => x.walBytes, 0)),
    ]),
    Array.from({ length: sides(costed[0]).length * 3 }, (_, i) => i + 2),
  );
  return [speed, '', cost];
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes = flags.quick ? QUICK : FULL;
  const engines = pickNames<Engine>(flags.values.get('engines'), ['postgres', 'sqlite'], ['postgres', 'sqlite'], 'engine');
  const rowKeys = pickNames(flags.values.get('rows'), ROWS.map((r) => r.key), ROWS.map((r) => r.key), 'row');
  const rows = ROWS.filter((r) => rowKeys.includes(r.key));
  const compareDir = flags.values.get('compare');
  const compare = compareOpener(compareDir);
  const repeat = Number(flags.values.get('repeat') ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive integer');

  const environments: Environment[] = [];
  const cleanup = async () => {
    for (const environment of environments.splice(0)) await environment.close().catch((e: unknown) => log(String(e)));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: Result[] = [];
  const engineInfo: Record<string, Record<string, string>> = {};
  const started = Date.now();
  try {
    for (const engine of engines) {
      log(`${engine}: starting`);
      const environment = engine === 'postgres' ? await PostgresEnvironment.start(context) : new SqliteEnvironment();
      environments.push(environment);
      engineInfo[engine] = await environment.describe();
      for (const row of rows) results.push(await measure(environment, row, sizes, compare, repeat));
      await environment.close();
      environments.splice(environments.indexOf(environment), 1);
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const info = { mode: flags.quick ? 'quick' : 'full', repeat, sizes, machine: machineInfo(), engines: engineInfo, compared: compareDir ?? null };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...info, targetPercent: TARGET_PERCENT, results }, null, 2)}\n`);
    return;
  }
  const m = info.machine;
  const lines = [
    `event store benchmark (${info.mode}, median of ${repeat}, ${((Date.now() - started) / 1000).toFixed(0)} s): nproc ${m.nproc}, ${m.cpu}, node ${m.node}`,
    ...Object.entries(engineInfo).map(([engine, s]) => `${engine}: ${Object.entries(s).map(([k, v]) => `${k}=${v}`).join(' ')}`),
    ...(compareDir ? [`compared: the event store library of ${resolve(compareDir)}`] : []),
    '',
    ...tables(results, compare !== null),
    '',
    `* below the ${TARGET_PERCENT} % target. Baseline: bare table (id, data) on the same engine, one plain INSERT per append,`,
    `  multi-row INSERT per batch, pages of ${PAGE} by id; for rebuild, the same pages plus the projection's upserts.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
