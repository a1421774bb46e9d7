import { computeEventHash, type HashInput } from './hash';
import type { VerifyFailure, VerifyReport } from './types';

/** One stored event as verify reads it: the hash inputs (JSON exactly as stored) plus where it is. */
export interface VerifyRow extends Omit<HashInput, 'prevHash'> {
  readonly position: number;
  readonly hash: string;
}

/** Walks rows ordered by (stream, version) and reports the first broken link of each stream. */
export async function verifyChains(pages: AsyncIterable<readonly VerifyRow[]>): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  let streams = 0;
  let events = 0;
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
      prevHash = row.hash;
      expectedVersion += 1;
    }
  }
  return { ok: failures.length === 0, streamsChecked: streams, eventsChecked: events, failures };
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
