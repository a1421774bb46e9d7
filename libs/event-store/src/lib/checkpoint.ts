import type { RecordedEvent } from '@camel/contracts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { keyIdOf } from './hash';
import type { EventStore } from './types';

export const CHECKPOINT_FORMAT = 'camel-log-checkpoint/2';
/** Checkpoints made before `keyedSince` existed: still verified, without it. */
const CHECKPOINT_FORMAT_1 = 'camel-log-checkpoint/1';

/** Where a stream ended when the checkpoint was made. */
export interface StreamHead {
  readonly version: number;
  readonly position: number;
  readonly hash: string;
}

/**
 * A signed statement about the whole log up to `position`: how many events, a cumulative hash over
 * every one of them in log order (position, stream, version, time and its chain hash, so moving or
 * re-timing an event changes it too), and each stream's head. The MAC is keyed with a secret kept
 * outside the database: someone who can write the database can rewrite hash chains, but cannot make
 * a checkpoint that agrees with the rewrite. An auditor exports checkpoints and keeps them elsewhere.
 */
export interface LogCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT | typeof CHECKPOINT_FORMAT_1;
  readonly position: number;
  /**
   * Position of the oldest event with a keyed hash when the checkpoint was made (null: none had one;
   * absent in format 1). Verify takes it as the start of the keyed part of the log, so nulling every
   * keyed hash (after the checkpoint too) reads as mac-missing, not as a log from before keys.
   */
  readonly keyedSince?: number | null;
  readonly count: number;
  readonly cumulativeHash: string;
  readonly streams: Readonly<Record<string, StreamHead>>;
  readonly createdAt: string;
  /** Which key signed it (a digest of the key, not the key). */
  readonly keyId: string;
  readonly mac: string;
}

export type CheckpointFailureReason =
  | 'checkpoint-invalid'
  | 'checkpoint-key-unknown'
  | 'checkpoint-forged'
  | 'stream-deleted'
  | 'events-deleted'
  | 'event-inserted'
  | 'history-rewritten'
  | 'log-rewritten';

export interface CheckpointFailure {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  readonly reason: CheckpointFailureReason;
  readonly message: string;
}

export interface CheckpointReport {
  readonly ok: boolean;
  readonly checkpointPosition: number;
  /** Events the checkpoint covers, as found now. */
  readonly eventsChecked: number;
  /** Events after the checkpoint: not covered by it (a later checkpoint covers them). */
  readonly eventsAfter: number;
  readonly failures: readonly CheckpointFailure[];
  /** The signed start of the keyed log, from a checkpoint that verified (pass it to `EventStore.verify`). */
  readonly keyedSince: number | null;
}


const nextCumulative = (previous: string, event: RecordedEvent): string =>
  createHash('sha256').update([previous, event.position, event.streamId, event.streamVersion, event.recordedAt, event.hash].join('\n')).digest('hex');

function macOf(key: string, body: Omit<LogCheckpoint, 'mac'>): string {
  const streams = Object.keys(body.streams)
    .sort()
    .map((id) => [id, body.streams[id].version, body.streams[id].position, body.streams[id].hash]);
  const signed = [body.format, body.position, body.count, body.cumulativeHash, body.createdAt, body.keyId, streams];
  const canonical = JSON.stringify(body.format === CHECKPOINT_FORMAT_1 ? signed : [...signed, body.keyedSince ?? null]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}

interface LogSummary {
  count: number;
  cumulativeHash: string;
  last: number;
  streams: Map<string, StreamHead>;
  /** Per stream, the first event past a given version (to name an insertion). */
  firstPast: Map<string, RecordedEvent>;
}

async function summarise(store: EventStore, upTo: number, heads?: Readonly<Record<string, StreamHead>>): Promise<LogSummary & { after: number }> {
  const summary: LogSummary = { count: 0, cumulativeHash: '', last: 0, streams: new Map(), firstPast: new Map() };
  let after = 0;
  let cursor = 0;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 2000 });
    for (const event of page) {
      if (event.position > upTo) {
        after += 1;
        continue;
      }
      summary.count += 1;
      summary.cumulativeHash = nextCumulative(summary.cumulativeHash, event);
      summary.last = event.position;
      // The head is the highest version, wherever it sits: a forged row may take a lower position.
      const head = summary.streams.get(event.streamId);
      if (!head || event.streamVersion > head.version) summary.streams.set(event.streamId, { version: event.streamVersion, position: event.position, hash: event.hash });
      const known = heads?.[event.streamId]?.version ?? 0;
      const first = summary.firstPast.get(event.streamId);
      if (event.streamVersion > known && (!first || event.streamVersion < first.streamVersion)) summary.firstPast.set(event.streamId, event);
    }
    if (page.length < 2000) return { ...summary, after };
    cursor = page[page.length - 1].position;
  }
}

/** The oldest event with a keyed hash (null: none). */
async function firstKeyedPosition(store: EventStore): Promise<number | null> {
  const rows = await store.db.query<{ p: number | string | null }>('SELECT min(position) AS p FROM events WHERE mac IS NOT NULL');
  return rows[0]?.p === null || rows[0]?.p === undefined ? null : Number(rows[0].p);
}

/** A checkpoint of the log as it is now, signed with `key`. */
export async function createCheckpoint(store: EventStore, key: string, now: Date): Promise<LogCheckpoint> {
  const keyedSince = await firstKeyedPosition(store);
  const summary = await summarise(store, Number.MAX_SAFE_INTEGER);
  const body: Omit<LogCheckpoint, 'mac'> = {
    format: CHECKPOINT_FORMAT,
    position: summary.last,
    keyedSince: keyedSince !== null && keyedSince <= summary.last ? keyedSince : null,
    count: summary.count,
    cumulativeHash: summary.cumulativeHash,
    streams: Object.fromEntries(summary.streams),
    createdAt: now.toISOString(),
    keyId: keyIdOf(key),
  };
  return { ...body, mac: macOf(key, body) };
}

const fail = (reason: CheckpointFailureReason, streamId: string, streamVersion: number, position: number, message: string): CheckpointFailure => ({
  streamId,
  streamVersion,
  position,
  reason,
  message,
});

function checkpointProblem(checkpoint: unknown, keys: readonly string[]): CheckpointFailure | null {
  const c = checkpoint as Partial<LogCheckpoint> | null;
  const known = c?.format === CHECKPOINT_FORMAT || c?.format === CHECKPOINT_FORMAT_1;
  if (!c || !known || typeof c.position !== 'number' || typeof c.count !== 'number' || typeof c.mac !== 'string' || typeof c.streams !== 'object' || c.streams === null) {
    return fail('checkpoint-invalid', '', 0, 0, `not a ${CHECKPOINT_FORMAT} checkpoint`);
  }
  if (c.format === CHECKPOINT_FORMAT && c.keyedSince !== null && typeof c.keyedSince !== 'number') return fail('checkpoint-invalid', '', 0, c.position, 'keyedSince must be a position or null');
  // Signed with the current key or an earlier one (LOG_SIGNING_KEY_PREVIOUS): checkpoints outlive rotations.
  const key = keys.find((candidate) => keyIdOf(candidate) === c.keyId);
  if (key === undefined) {
    return fail('checkpoint-key-unknown', '', 0, c.position, `the checkpoint was signed with key ${String(c.keyId)}, neither LOG_SIGNING_KEY (${keyIdOf(keys[0] ?? '')}) nor one of LOG_SIGNING_KEY_PREVIOUS`);
  }
  const { mac, ...body } = c as LogCheckpoint;
  const expected = Buffer.from(macOf(key, body), 'hex');
  const actual = Buffer.from(mac, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return fail('checkpoint-forged', '', 0, c.position, 'the checkpoint’s signature does not match its content');
  return null;
}

/**
 * Compares the log with a checkpoint: every stream it names must still end where it ended, with the
 * same head hash (a rewrite with recomputed hashes changes the head), and no event may have appeared
 * at or below its position. Anything else that changed the covered part (a moved or re-timed event)
 * shows in the count or the cumulative hash.
 */
export async function verifyCheckpoint(store: EventStore, checkpoint: unknown, keys: string | readonly string[]): Promise<CheckpointReport> {
  const invalid = checkpointProblem(checkpoint, typeof keys === 'string' ? [keys] : keys);
  if (invalid) return { ok: false, checkpointPosition: invalid.position, eventsChecked: 0, eventsAfter: 0, failures: [invalid], keyedSince: null };
  const expected = checkpoint as LogCheckpoint;
  const found = await summarise(store, expected.position, expected.streams);
  const failures: CheckpointFailure[] = [];
  for (const [streamId, head] of Object.entries(expected.streams)) {
    const now = found.streams.get(streamId);
    if (!now) {
      failures.push(fail('stream-deleted', streamId, head.version, head.position, `the stream (${head.version} events up to position ${head.position}) is gone`));
    } else if (now.version < head.version) {
      failures.push(fail('events-deleted', streamId, now.version + 1, head.position, `versions ${now.version + 1}–${head.version} are gone (the stream ended at version ${head.version})`));
    } else if (now.version > head.version) {
      const first = found.firstPast.get(streamId) as RecordedEvent;
      failures.push(fail('event-inserted', streamId, first.streamVersion, first.position, `version ${first.streamVersion} appeared at a position the checkpoint covers (${first.position} ≤ ${expected.position})`));
    } else if (now.hash !== head.hash || now.position !== head.position) {
      failures.push(fail('history-rewritten', streamId, head.version, head.position, 'the stream’s head hash differs from the checkpoint: its events were changed and their hashes recomputed'));
    }
  }
  for (const [streamId, first] of found.firstPast) {
    if (!expected.streams[streamId]) {
      failures.push(fail('event-inserted', streamId, first.streamVersion, first.position, `a stream the checkpoint does not know has an event at position ${first.position} ≤ ${expected.position}`));
    }
  }
  if (failures.length === 0 && (found.count !== expected.count || found.cumulativeHash !== expected.cumulativeHash)) {
    failures.push(fail('log-rewritten', '', 0, expected.position, `the log up to position ${expected.position} differs from the checkpoint (${found.count} events, checkpoint: ${expected.count}): an event was moved or re-timed`));
  }
  failures.sort((a, b) => a.position - b.position || a.streamId.localeCompare(b.streamId));
  return { ok: failures.length === 0, checkpointPosition: expected.position, eventsChecked: found.count, eventsAfter: found.after, failures, keyedSince: expected.keyedSince ?? null };
}
