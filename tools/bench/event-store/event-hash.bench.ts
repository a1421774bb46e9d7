/**
 * CPU cost per event of the keyed event hash (issue 12) next to the unkeyed chain hash every append
 * already computes, measured in the same run on the same events:
 *   node tools/bench/run.mjs event-store/event-hash [--quick|--smoke] [--json]
 * The chain hash (over the JSON text the append serialises anyway) is the reference; the keyed hash
 * adds canonical JSON of the values (sorted keys) and an HMAC-SHA256; verify parses the stored text first.
 */
import { computeEventHash, computeEventMac, eventMacProblem, openEventStore, type MacInput, type NewEvent } from '@camel/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { byScale, log, parseFlags, type BenchContext } from '../harness';
import { benchEvent } from './payload';

const KEY = 'bench-log-signing-key-kept-outside-the-database';
const SIZES = { full: 200_000, quick: 50_000, smoke: 2_000 } as const;
/** Batches of 100 events appended to SQLite per measurement, unkeyed and keyed, interleaved. */
const BATCHES = { full: 300, quick: 100, smoke: 5 } as const;

/** Events per second appending batches of 100 to a fresh SQLite file, with or without a key; checks verify. */
async function sqliteBatches(batches: number, eventKey: string | undefined): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'camel-bench-hash-'));
  const store = await openEventStore({ sqliteFile: join(dir, 'events.sqlite'), eventKey });
  try {
    let n = 0;
    const start = performance.now();
    for (let b = 0; b < batches; b += 1) {
      const events: NewEvent[] = Array.from({ length: 100 }, () => benchEvent(n++));
      await store.append(`stream-${b % 10}`, events, { expectedVersion: 'any' });
    }
    const perSecond = (n / (performance.now() - start)) * 1000;
    const report = await store.verify();
    if (!report.ok || report.eventsChecked !== n || report.keyed !== (eventKey !== undefined)) {
      log(`event-hash: verify after the keyed=${eventKey !== undefined} appends failed: ${JSON.stringify(report).slice(0, 300)}`);
      process.exitCode = 1;
    }
    return perSecond;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const ROUNDS = 3;

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const count = byScale(flags, SIZES);
  const inputs: MacInput[] = Array.from({ length: count }, (_, n) => {
    const event = benchEvent(n);
    return { streamId: `stream-${n % 1000}`, streamType: 'annotation-task', streamVersion: 7, eventId: event.id, type: event.type, schemaVersion: 1, data: event.data, metadata: event.metadata };
  });
  // What the append already serialises (and the chain hash covers), and what verify parses back.
  const texts = inputs.map((input) => ({ dataText: JSON.stringify(input.data), metadataText: JSON.stringify(input.metadata) }));
  const measure = (fn: (input: MacInput, index: number) => unknown): number => {
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const start = performance.now();
      for (let i = 0; i < inputs.length; i += 1) fn(inputs[i], i);
      times.push(((performance.now() - start) * 1000) / count);
    }
    return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  };
  log(`event-hash: ${count} events, median of ${ROUNDS} rounds`);
  const chain = measure((input, i) => computeEventHash({ prevHash: 'f'.repeat(64), ...input, ...texts[i] }));
  const keyed = measure((input) => computeEventMac(KEY, input));
  const macs = inputs.map((input) => computeEventMac(KEY, input));
  const check = measure((input, i) =>
    eventMacProblem([KEY], macs[i], { ...input, data: JSON.parse(texts[i].dataText), metadata: JSON.parse(texts[i].metadataText) }),
  );
  // Correctness: every MAC verifies (the same check the full run makes).
  const bad = inputs.filter((input, i) => eventMacProblem([KEY], macs[i], input) !== undefined).length;
  if (bad > 0) {
    log(`event-hash: ${bad} keyed hashes did not verify`);
    process.exitCode = 1;
  }
  const batches = byScale(flags, BATCHES);
  const unkeyedRuns: number[] = [];
  const keyedRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    unkeyedRuns.push(await sqliteBatches(batches, undefined));
    keyedRuns.push(await sqliteBatches(batches, KEY));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const appendRows = [
    { row: 'SQLite batches of 100, unkeyed (reference)', perSecond: median(unkeyedRuns) },
    { row: 'SQLite batches of 100, keyed', perSecond: median(keyedRuns) },
  ];
  const rows = [
    { row: 'chain hash (sha256, reference)', microseconds: chain },
    { row: 'keyed hash at append (canonical JSON + HMAC)', microseconds: keyed },
    { row: 'keyed hash check at verify (parse + the same)', microseconds: check },
  ];
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ count, rows, appendRows }, null, 2)}\n`);
    return;
  }
  const lines = [
    `event hash cost per event (${count} events, median of ${ROUNDS}), node ${process.version}`,
    '',
    'row                                             µs/event  vs chain hash',
    '----------------------------------------------  --------  -------------',
    ...rows.map((r) => `${r.row.padEnd(46)}  ${r.microseconds.toFixed(2).padStart(8)}  ${`${(r.microseconds / chain).toFixed(1)}×`.padStart(13)}`),
    '',
    `row (${batches} appends of 100 events, median of ${ROUNDS}, interleaved)   events/s  vs unkeyed`,
    '----------------------------------------------  --------  ----------',
    ...appendRows.map((r) => `${r.row.padEnd(46)}  ${r.perSecond.toFixed(0).padStart(8)}  ${`${((r.perSecond / appendRows[0].perSecond) * 100).toFixed(0)} %`.padStart(10)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
