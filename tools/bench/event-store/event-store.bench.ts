/**
 * Event store throughput on both adapters, each row next to a bare-table ceiling on the same engine.
 *
 *   node tools/bench/run.mjs event-store [--quick] [--json] [--engines=postgres,sqlite] [--rows=sequential,...]
 *
 * PostgreSQL: a throwaway cluster with fsync on (tools/test/postgres.mjs), one new database per
 * measurement. SQLite: a new file per measurement, the adapter's settings (WAL, synchronous=NORMAL).
 * Results in docs/benchmarks/event-store.md.
 */
import { formatInt, formatTable, log, machineInfo, parseFlags, pickNames, type BenchContext, type Timing } from '../harness';
import { FULL, PAGE, QUICK, ROWS, type Row, type Sizes } from './rows';
import { PostgresEnvironment, SqliteEnvironment, type Engine, type Environment } from './targets';

const TARGET_PERCENT = 70;

interface Result {
  readonly row: string;
  readonly label: string;
  readonly engine: Engine;
  readonly eventsPerSecond: number;
  readonly baselineEventsPerSecond: number;
  readonly percentOfBaseline: number;
  readonly adapter: Timing;
  readonly baseline: Timing;
}

async function measure(environment: Environment, row: Row, sizes: Sizes): Promise<Result> {
  const run = async (side: 'adapter' | 'baseline'): Promise<Timing> => {
    const target = await environment.fresh();
    try {
      return await row[side](target, sizes);
    } finally {
      await target.dispose();
    }
  };
  const baseline = await run('baseline');
  const adapter = await run('adapter');
  const result: Result = {
    row: row.key,
    label: row.label,
    engine: environment.engine,
    eventsPerSecond: adapter.perSecond,
    baselineEventsPerSecond: baseline.perSecond,
    percentOfBaseline: (100 * adapter.perSecond) / baseline.perSecond,
    adapter,
    baseline,
  };
  log(
    `  ${environment.engine} ${row.key}: ${formatInt(adapter.perSecond)} events/s ` +
      `(baseline ${formatInt(baseline.perSecond)}, ${Math.floor(result.percentOfBaseline)} %)`,
  );
  return result;
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes = flags.quick ? QUICK : FULL;
  const engines = pickNames<Engine>(flags.values.get('engines'), ['postgres', 'sqlite'], ['postgres', 'sqlite'], 'engine');
  const rowKeys = pickNames(flags.values.get('rows'), ROWS.map((r) => r.key), ROWS.map((r) => r.key), 'row');
  const rows = ROWS.filter((r) => rowKeys.includes(r.key));

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
      for (const row of rows) results.push(await measure(environment, row, sizes));
      await environment.close();
      environments.splice(environments.indexOf(environment), 1);
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const info = { mode: flags.quick ? 'quick' : 'full', sizes, machine: machineInfo(), engines: engineInfo };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...info, targetPercent: TARGET_PERCENT, results }, null, 2)}\n`);
    return;
  }
  const m = info.machine;
  const lines = [
    `event store benchmark (${info.mode}, ${((Date.now() - started) / 1000).toFixed(0)} s): nproc ${m.nproc}, ${m.cpu}, node ${m.node}`,
    ...Object.entries(engineInfo).map(([engine, s]) => `${engine}: ${Object.entries(s).map(([k, v]) => `${k}=${v}`).join(' ')}`),
    '',
    formatTable(
      ['row', 'engine', 'events/s', 'baseline events/s', '% of baseline'],
      results.map((r) => [
        r.label,
        r.engine,
        formatInt(r.eventsPerSecond),
        formatInt(r.baselineEventsPerSecond),
        `${Math.floor(r.percentOfBaseline)} %${r.percentOfBaseline < TARGET_PERCENT ? ' *' : ''}`,
      ]),
      [2, 3, 4],
    ),
    '',
    `* below the ${TARGET_PERCENT} % target. Baseline: bare table (id, data) on the same engine, one plain INSERT per append,`,
    `  multi-row INSERT per batch, pages of ${PAGE} by id; for rebuild, the same pages plus the projection's upserts.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
