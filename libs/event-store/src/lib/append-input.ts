import { InvalidAppendError } from './errors';
import type { AppendOptions, ExpectedVersion, NewEvent } from './types';

/** Most events one transaction can append (PostgreSQL positions reserve 4096 slots per transaction). */
export const MAX_EVENTS_PER_TRANSACTION = 4096;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface NormalizedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: NewEvent['metadata'];
}

export interface NormalizedAppend {
  readonly streamId: string;
  readonly streamType: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NormalizedEvent[];
}

/** Checks what both adapters must refuse alike, and lower-cases ids so hashes match on both engines. */
export function normalizeAppend(streamId: string, events: readonly NewEvent[], options: AppendOptions): NormalizedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200) {
    throw new InvalidAppendError('streamId must be a non-empty string of at most 200 characters');
  }
  if (events.length === 0) throw new InvalidAppendError(`stream ${streamId}: nothing to append`);
  if (events.length > MAX_EVENTS_PER_TRANSACTION) {
    throw new InvalidAppendError(`stream ${streamId}: at most ${MAX_EVENTS_PER_TRANSACTION} events per append`);
  }
  const expected = options.expectedVersion;
  if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`stream ${streamId}: expected version must be a non-negative integer`);
  }
  const seen = new Set<string>();
  const normalized = events.map((event, index) => {
    const id = String(event.id).toLowerCase();
    if (!UUID.test(id)) throw new InvalidAppendError(`event ${index}: id must be a UUID, got ${event.id}`);
    if (seen.has(id)) throw new InvalidAppendError(`event ${index}: id ${id} appears twice in one append`);
    seen.add(id);
    if (!event.type) throw new InvalidAppendError(`event ${index}: type is required`);
    if (!event.metadata) throw new InvalidAppendError(`event ${index}: metadata is required`);
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
      throw new InvalidAppendError(`event ${index}: schemaVersion must be a positive integer`);
    }
    return { id, type: event.type, schemaVersion, data: event.data ?? null, metadata: event.metadata };
  });
  const streamType = options.streamType ?? streamId.split('-')[0];
  return { streamId, streamType, expectedVersion: expected, events: normalized };
}

/** The stream version an append must find, or null when any version will do. */
export const requiredVersion = (expected: ExpectedVersion): number | null =>
  expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;
