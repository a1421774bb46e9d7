import { formatUuid } from '@camel/kernel';
import { createHash } from 'node:crypto';
import { normalizeEmail } from './user.decider';

/** Fixed namespace of CAMEL Extensions user ids (RFC 9562 UUIDv5 namespace). */
const USER_NAMESPACE = Buffer.from('6f0a3c52d1a44e2b9f3e5b7c1d2a8e90', 'hex');

/**
 * A user's id is the UUIDv5 of the normalised email: creating a second account for the same email
 * hits the existing stream, and sign-in finds the stream without an index.
 */
export function userIdForEmail(email: string): string {
  const bytes = createHash('sha1').update(USER_NAMESPACE).update(normalizeEmail(email)).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
}
