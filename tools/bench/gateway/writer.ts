/**
 * The paced writer: one event per append at a fixed rate (open loop: the schedule does not wait for
 * slow appends, up to one append in flight per stream; appends more than 10 s late are dropped and
 * the writer stops), through the event store library directly.
 * "Commit time" is when append() resolved, on the shared clock of clock.ts.
 */
import type { EventStore, NewEvent } from '@camel/event-store';
import { uuidv7 } from '@camel/kernel';
import { nowMs } from './clock';
import { Histogram } from './histogram';
import { PROJECT_ID, TYPE_PREFIX, type WriterConfig, type WriterResult } from './protocol';

const STREAM_TYPE = 'benchstream';

function benchEvent(seq: number): NewEvent {
  const id = uuidv7();
  return {
    id,
    type: `${TYPE_PREFIX}Ticked`,
    data: { seq, note: 'gateway benchmark' },
    metadata: {
      actor: { type: 'system', id: 'gateway-bench' },
      projectId: PROJECT_ID,
      correlationId: id,
      time: new Date().toISOString(),
    },
  };
}

/** The writer stops issuing appends once it is this far behind its schedule (the system cannot keep up). */
const GIVE_UP_LAG_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runWriter(store: EventStore, config: WriterConfig): Promise<WriterResult> {
  const interval = 1000 / config.rate;
  const warmup = Math.round(config.rate * config.warmupSeconds);
  const total = warmup + Math.round(config.rate * config.seconds);
  const versions: number[] = Array.from({ length: config.streams }, () => 0);
  const chains: Promise<void>[] = Array.from({ length: config.streams }, () => Promise.resolve());
  const positions: number[] = new Array<number>(total).fill(NaN);
  const commitTimes: number[] = new Array<number>(total).fill(NaN);
  const measured: number[] = Array.from({ length: total }, (_, i) => (i >= warmup ? 1 : 0));
  const appendLatency = new Histogram();
  let maxLag = 0;
  let firstMeasuredDue = NaN;
  let lastMeasuredStart = NaN;
  let failure: unknown = null;
  let gaveUp = false;

  const appendOne = async (i: number, stream: number, due: number): Promise<void> => {
    const started = nowMs();
    if (gaveUp || started - due > GIVE_UP_LAG_MS) {
      gaveUp = true;
      return;
    }
    maxLag = Math.max(maxLag, started - due);
    if (i >= warmup) lastMeasuredStart = started;
    const result = await store.append(`${STREAM_TYPE}-${stream}`, [benchEvent(i)], {
      expectedVersion: versions[stream],
      streamType: STREAM_TYPE,
    });
    const committed = nowMs();
    versions[stream] = result.nextExpectedVersion;
    positions[i] = result.lastPosition;
    commitTimes[i] = committed;
    if (i >= warmup) appendLatency.add(committed - started);
  };

  const start = nowMs() + 5;
  for (let i = 0; i < total && !failure && !gaveUp; i += 1) {
    const due = start + i * interval;
    if (i === warmup) firstMeasuredDue = due;
    const wait = due - nowMs();
    if (wait >= 1) await sleep(Math.floor(wait));
    const stream = i % config.streams;
    chains[stream] = chains[stream].then(() =>
      appendOne(i, stream, due).catch((error: unknown) => {
        failure ??= error;
      }),
    );
  }
  await Promise.all(chains);
  if (failure) throw failure;
  // Appends skipped after giving up have no position.
  const kept = positions.map((_, i) => i).filter((i) => !Number.isNaN(positions[i]));
  const measuredCount = kept.filter((i) => measured[i]).length;
  const measuredSeconds = (lastMeasuredStart - firstMeasuredDue + interval) / 1000;
  return {
    positions: kept.map((i) => positions[i]),
    commitTimes: kept.map((i) => commitTimes[i]),
    measured: kept.map((i) => measured[i]),
    gaveUp,
    measuredRate: measuredCount > 0 ? measuredCount / measuredSeconds : 0,
    maxScheduleLagMs: maxLag,
    appendLatency: appendLatency.serialize(),
  };
}
