import type { ApiErrorBody, ConfigProblem } from '@camel/contracts';

/** A failed request, carrying the server's error body (message, code, offending fields). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  /** The message for a person: the server's (it already names the offending fields). */
  get displayMessage(): string {
    return this.body.message || `${this.status} ${this.body.error}`;
  }

  /** The server's error code, e.g. `auth.token-expired`. */
  get code(): string | undefined {
    return this.body.code;
  }

  /** Config problems of a refused set (400 `config.invalid`); empty otherwise. */
  get problems(): readonly ConfigProblem[] {
    return this.body.problems ?? [];
  }
}
