import { computeEventHash, eventMacProblem, type HashInput } from './hash';
import type { VerifyFailure, VerifyReport } from './types';

/** One stored event as verify reads it: the hash inputs (JSON exactly as stored) plus where it is. */
export interface VerifyRow extends Omit<HashInput, 'prevHash'> {
  readonly position: number;
  readonly hash: string;
  /** The keyed hash (`m1:<key id>:<hmac>`), null on events appended without a key. */
  readonly mac: string | null;
}

export interface KeyedVerify {
  /** LOG_SIGNING_KEY first, then earlier keys (rotation): each event's keyed hash names the one it was made with. */
  readonly keys: readonly string[];
  /**
   * Position of the oldest event with a keyed hash (null: none has one). Events before it predate the
   * key (unkeyed, counted); an event without one after it was added without the key.
   */
  readonly firstKeyedPosition: number | null;
}

/**
 * Walks rows ordered by (stream, version) and reports the first broken link of each stream: a
 * version gap, a chain hash that does not follow, and with a key a missing or wrong keyed hash.
 */
export async function verifyChains(pages: AsyncIterable<readonly VerifyRow[]>, keyed?: KeyedVerify): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  let streams = 0;
  let events = 0;
  let unkeyed = 0;
  let currentStream: string | null = null;
  let prevHash = '';
  let expectedVersion = 1;
  let broken = false;

  for await (const page of pages) {
    for (const row of page) {
      events += 1;
      if (row.streamId !== currentStream) {
        currentStream = row.streamId;
        streams += 1;
        prevHash = '';
        expectedVersion = 1;
        broken = false;
      }
      if (broken) continue;
      if (row.streamVersion !== expectedVersion) {
        failures.push({
          streamId: row.streamId,
          streamVersion: row.streamVersion,
          position: row.position,
          reason: 'version-gap',
          expected: String(expectedVersion),
          actual: String(row.streamVersion),
        });
        broken = true;
        continue;
      }
      const expectedHash = computeEventHash({ prevHash, ...row });
      if (expectedHash !== row.hash) {
        failures.push({
          streamId: row.streamId,
          streamVersion: row.streamVersion,
          position: row.position,
          reason: 'hash-mismatch',
          expected: expectedHash,
          actual: row.hash,
        });
        broken = true;
        continue;
      }
      const macFailure = keyed ? macCheck(keyed, row) : undefined;
      if (macFailure === 'unkeyed') unkeyed += 1;
      else if (macFailure) {
        failures.push(macFailure);
        broken = true;
        continue;
      }
      prevHash = row.hash;
      expectedVersion += 1;
    }
  }
  const report = { ok: failures.length === 0, streamsChecked: streams, eventsChecked: events, failures };
  return keyed ? { ...report, keyed: true, unkeyedEvents: unkeyed } : { ...report, keyed: false };
}

function macCheck({ keys, firstKeyedPosition }: KeyedVerify, row: VerifyRow): VerifyFailure | 'unkeyed' | undefined {
  const at = { streamId: row.streamId, streamVersion: row.streamVersion, position: row.position };
  if (row.mac === null) {
    if (firstKeyedPosition === null || row.position < firstKeyedPosition) return 'unkeyed';
    return { ...at, reason: 'mac-missing', expected: 'a keyed hash (events after the first keyed one all have one)', actual: 'none' };
  }
  const problem = eventMacProblem(keys, row.mac, { ...row, data: JSON.parse(row.dataText), metadata: JSON.parse(row.metadataText) });
  if (!problem) return undefined;
  const expected = problem === 'mac-key-unknown' ? 'a keyed hash made with LOG_SIGNING_KEY or LOG_SIGNING_KEY_PREVIOUS' : 'the keyed hash of the stored content';
  return { ...at, reason: problem, expected, actual: row.mac };
}

export type VerifyPageFetcher = (
  after: { readonly streamId: string; readonly streamVersion: number },
  limit: number,
) => Promise<VerifyRow[]>;

/** Keyset pagination over (stream, version), so verify streams a store of any size. */
export async function* verifyPages(fetch: VerifyPageFetcher, pageSize = 5000): AsyncGenerator<VerifyRow[]> {
  let after = { streamId: '', streamVersion: 0 };
  for (;;) {
    const rows = await fetch(after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { streamId: last.streamId, streamVersion: last.streamVersion };
  }
}
