import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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

/** Names a log signing key without revealing it (checkpoints and event MACs carry it). */
const keyIds = new Map<string, string>();
export function keyIdOf(key: string): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = createHash('sha256').update(`camel log key\n${key}`).digest('hex').slice(0, 16);
    // A process holds one or a few keys; the map never grows past them in practice.
    if (keyIds.size < 16) keyIds.set(key, id);
  }
  return id;
}

/**
 * JSON with object keys sorted at every level: the same text from the appended value and from the
 * stored one parsed back (PostgreSQL's jsonb reorders keys and respaces). It is JSON.stringify
 * (toJSON, undefined properties left out, undefined in arrays and non-finite numbers as null), so the
 * appended value needs no serialise-and-parse round trip.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify with an array replacer writes every object's properties in the array's order,
  // natively: all property names of the value, sorted, give the canonical text in one pass.
  const names = new Set<string>();
  collectNames(value, names);
  return JSON.stringify(value, [...names].sort()) ?? 'null';
}

function collectNames(raw: unknown, names: Set<string>): void {
  const value = raw !== null && typeof raw === 'object' && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw;
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectNames(item, names);
    return;
  }
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    names.add(name);
    collectNames(child, names);
  }
}

/** What an event's keyed hash covers: who it is, what it says, and its place in its stream (its log position is covered by checkpoints). */
export interface MacInput {
  readonly streamId: string;
  readonly streamType: string;
  /** The event's version in its stream (format m2): an event moved to another version no longer verifies. */
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** data and metadata as values (appended, or the stored JSON parsed): hashed in canonical form. */
  readonly data: unknown;
  readonly metadata: unknown;
}

/**
 * Version of the keyed event hash format: `m2:<key id>:<hex HMAC-SHA256>`. `m1` (earlier logs) did
 * not cover the stream version, so reordering a stream's m1 events with recomputed chain hashes went
 * unnoticed; they still verify as they were made.
 */
export const EVENT_MAC_VERSION = 'm2';
const LEGACY_MAC_VERSION = 'm1';

function macContent(version: string, input: MacInput): string {
  return [
    version,
    input.streamId,
    input.streamType,
    ...(version === LEGACY_MAC_VERSION ? [] : [String(input.streamVersion)]),
    input.eventId,
    input.type,
    String(input.schemaVersion),
    canonicalJson(input.data),
    canonicalJson(input.metadata),
  ].join('\n');
}

function macWith(version: string, key: string, input: MacInput): string {
  return `${version}:${keyIdOf(key)}:${createHmac('sha256', key).update(macContent(version, input), 'utf8').digest('hex')}`;
}

/**
 * The per-event keyed hash (HMAC-SHA256 under LOG_SIGNING_KEY, a key kept outside the database):
 * a database writer without the key can neither add an event that verifies, nor edit one, nor move
 * one to another place in its stream.
 */
export function computeEventMac(key: string, input: MacInput): string {
  return macWith(EVENT_MAC_VERSION, key, input);
}

/** Why a stored MAC does not prove the event under one of `keys` (the one it names), or undefined when it does. */
export function eventMacProblem(keys: readonly string[], stored: string, input: MacInput): 'mac-key-unknown' | 'mac-mismatch' | undefined {
  const [version, keyId] = stored.split(':');
  const known = version === EVENT_MAC_VERSION || version === LEGACY_MAC_VERSION;
  const key = known ? keys.find((candidate) => keyIdOf(candidate) === keyId) : undefined;
  if (key === undefined) return 'mac-key-unknown';
  const expected = Buffer.from(macWith(version, key, input));
  const actual = Buffer.from(stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? undefined : 'mac-mismatch';
}
