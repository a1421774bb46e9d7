import type { ExpectedVersion } from './types';

/** The stream was not at the version the caller decided on: reload, re-decide, retry. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'ConcurrencyError';
  }
}

/** Some, but not all, event ids of an append already exist: the retry is not the same append. */
export class IdempotencyConflictError extends Error {
  constructor(readonly streamId: string, readonly eventIds: readonly string[]) {
    super(`stream ${streamId}: append partially repeats earlier event ids (${eventIds.join(', ')})`);
    this.name = 'IdempotencyConflictError';
  }
}

/** The caller passed something the store cannot accept (programming error, not a user error). */
export class InvalidAppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

/**
 * An append collided with a stored event on a unique key that no retry can resolve, e.g. a position
 * already taken because the database's transaction counter went back (a restore into another
 * cluster) and `migrate()` did not run since.
 */
export class AppendConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly constraint: string,
    message: string,
  ) {
    super(`stream ${streamId}: ${message}`);
    this.name = 'AppendConflictError';
  }
}
