/**
 * CPU cost per event of the keyed event hash (issue 12) next to the unkeyed chain hash every append
 * already computes, measured in the same run on the same events:
 *   node tools/bench/run.mjs event-store/event-hash [--quick|--smoke] [--json]
 * The chain hash (over the JSON text the append serialises anyway) is the reference; the keyed hash
 * adds canonical JSON of the values (sorted keys) and an HMAC-SHA256; verify parses the stored text first. No database: the append's I/O is the event-store benchmark's.
 */
import { computeEventHash, computeEventMac, eventMacProblem, type MacInput } from '@camel/event-store';
import { performance } from 'node:perf_hooks';
import { byScale, log, parseFlags, type BenchContext } from '../harness';
import { benchEvent } from './payload';

const KEY = 'bench-log-signing-key-kept-outside-the-database';
const SIZES = { full: 200_000, quick: 50_000, smoke: 2_000 } as const;
const ROUNDS = 3;

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const count = byScale(flags, SIZES);
  const inputs: MacInput[] = Array.from({ length: count }, (_, n) => {
    const event = benchEvent(n);
    return { streamId: `stream-${n % 1000}`, streamType: 'annotation-task', eventId: event.id, type: event.type, schemaVersion: 1, data: event.data, metadata: event.metadata };
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
  const chain = measure((input, i) => computeEventHash({ prevHash: 'f'.repeat(64), streamVersion: 7, ...input, ...texts[i] }));
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
  const rows = [
    { row: 'chain hash (sha256, reference)', microseconds: chain },
    { row: 'keyed hash at append (canonical JSON + HMAC)', microseconds: keyed },
    { row: 'keyed hash check at verify (parse + the same)', microseconds: check },
  ];
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ count, rows }, null, 2)}\n`);
    return;
  }
  const lines = [
    `event hash cost per event (${count} events, median of ${ROUNDS}), node ${process.version}`,
    '',
    'row                                             µs/event  vs chain hash',
    '----------------------------------------------  --------  -------------',
    ...rows.map((r) => `${r.row.padEnd(46)}  ${r.microseconds.toFixed(2).padStart(8)}  ${`${(r.microseconds / chain).toFixed(1)}×`.padStart(13)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
