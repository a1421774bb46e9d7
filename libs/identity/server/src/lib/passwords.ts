import { argon2id, hash, verify } from 'argon2';

/**
 * argon2id with OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1): ~30 ms per hash here, so a
 * guessing attacker pays that per try while sign-in stays quick. Parameters live in the PHC string,
 * so changing them later still verifies old hashes.
 */
const OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('not-a-real-password-only-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
