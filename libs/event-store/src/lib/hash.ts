import { createHash } from 'node:crypto';

/**
 * The per-stream hash chain. The PostgreSQL adapter computes the same value inside its append
 * function (see postgres/migrations.ts), so both must change together; the conformance suite
 * verifies every appended event with this function.
 */
export interface HashInput {
  readonly prevHash: string;
  readonly streamId: string;
  readonly streamType: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Stored JSON text of data and metadata, exactly as the engine returns it. */
  readonly dataText: string;
  readonly metadataText: string;
}

export function computeEventHash(input: HashInput): string {
  const content = [
    input.prevHash,
    input.streamId,
    input.streamType,
    String(input.streamVersion),
    input.eventId,
    input.type,
    String(input.schemaVersion),
    input.dataText,
    input.metadataText,
  ].join('\n');
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
