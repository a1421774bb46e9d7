import { formatInt, formatTable, machineInfo } from '../harness';
import { percentile } from '../logs/queries';
import type { ApiResult, DirectResult } from './protocol';

export interface EngineRow {
  readonly engine: string;
  readonly result: ApiResult;
  /** % of one core per process group over the measured window (CpuMeter), `machine` in % of all cores. */
  readonly cpu: Record<string, number>;
}

const ms = (value: number) => (value < 10 ? value.toFixed(1) : formatInt(value));
const s = (valueMs: number) => (valueMs / 1000).toFixed(2);
const pct = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : `${formatInt(value)} %`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function summary(row: EngineRow) {
  const runs = row.result.runs;
  const turns = runs.reduce((sum, r) => sum + r.turns, 0);
  const windowMs = Math.max(...runs.map((r) => r.endedAt)) - Math.min(...runs.map((r) => r.startedAt));
  const durations = runs.map((r) => r.durationMs);
  const calls = runs.flatMap((r) => r.callLatenciesMs);
  return {
    turns,
    turnsPerSecond: turns / (windowMs / 1000),
    runP50: percentile(durations, 0.5),
    runP95: percentile(durations, 0.95),
    callP50: percentile(calls, 0.5),
    callP95: percentile(calls, 0.95),
    notCompleted: runs.filter((r) => r.status !== 'completed').length,
  };
}

export function report(rows: readonly EngineRow[], direct: DirectResult, options: { runs: number; maxTurns: number; latencyMs: number; maxConcurrency: number }, seconds: number): string {
  const ceiling = direct.calls / direct.seconds;
  const directRun = { p50: percentile(direct.loopMs, 0.5), p95: percentile(direct.loopMs, 0.95) };
  const directCall = { p50: percentile(direct.callMs, 0.5), p95: percentile(direct.callMs, 0.95) };
  const measured = rows.map((row) => ({ row, sum: summary(row) }));
  const throughput = formatTable(
    ['engine', 'runs', 'turns', 'not completed', 'turns/s', 'ceiling calls/s', 'turns/s ÷ ceiling', 'run p50 s', 'run p95 s', 'ceiling p50 s', 'ceiling p95 s', 'run p50 ÷ ceiling'],
    measured.map(({ row, sum }) => [
      row.engine,
      String(row.result.runs.length),
      formatInt(sum.turns),
      String(sum.notCompleted),
      formatInt(sum.turnsPerSecond),
      formatInt(ceiling),
      `${((sum.turnsPerSecond / ceiling) * 100).toFixed(0)} %`,
      s(sum.runP50),
      s(sum.runP95),
      s(directRun.p50),
      s(directRun.p95),
      ratio(sum.runP50, directRun.p50),
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  const loop = formatTable(
    ['process', 'loop delay p50 ms', 'p99 ms', 'max ms', 'model call p50 ms', 'p95 ms', 'CPU driver', 'CPU test server', 'CPU postgres', 'machine busy'],
    [
      ...measured.map(({ row, sum }) => [
        `api (${row.engine})`,
        ms(row.result.loopDelay.p50),
        ms(row.result.loopDelay.p99),
        ms(row.result.loopDelay.max),
        ms(sum.callP50),
        ms(sum.callP95),
        pct(row.cpu['api']),
        pct(row.cpu['llm']),
        row.engine === 'postgres' ? pct(row.cpu['postgres']) : '–',
        pct(row.cpu['machine']),
      ]),
      ['direct calls (ceiling)', ms(direct.loopDelay.p50), ms(direct.loopDelay.p99), ms(direct.loopDelay.max), ms(directCall.p50), ms(directCall.p95), pct(direct.cpuPercent), '–', '–', '–'],
    ],
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const machine = machineInfo();
  return (
    `workflow runs: ${options.runs} role-plays started at once, max_turns ${options.maxTurns}, test server ${options.latencyMs} ms per reply in its own process, ` +
    `provider cap ${options.maxConcurrency} (reference: the same calls made directly with the same concurrency, in the same run)\n` +
    `${throughput}\n\n` +
    `event loop of the process driving the runs (a 10 ms timer's lateness), model calls as recorded, CPU in % of one core over the window\n` +
    `${loop}\n` +
    `direct calls: ${direct.retried} connection errors retried; whole run ${seconds.toFixed(0)} s; machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.platform}\n`
  );
}
