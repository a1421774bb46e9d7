import type { ConfigProblem } from './configs';

/**
 * Rule violations raised by deciders. Each kind maps to one HTTP status at the edge; the field, when
 * there is one, names the offending input so the client can point at it.
 */
export type DomainErrorKind = 'validation' | 'not-found' | 'conflict' | 'unauthorized' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable machine-readable code, e.g. `project.archived`. */
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** Extra body members for the API answer (overridden by errors that carry more, e.g. config problems). */
  get body(): Partial<Pick<ApiErrorBody, 'problems' | 'details'>> {
    return {};
  }

  static validation(code: string, field: string, message: string): DomainError {
    return new DomainError('validation', code, message, field);
  }

  /** `field`: the request member that names what does not exist, when there is one. */
  static notFound(code: string, message: string, field?: string): DomainError {
    return new DomainError('not-found', code, message, field);
  }

  static conflict(code: string, message: string, field?: string): DomainError {
    return new DomainError('conflict', code, message, field);
  }

  /** No valid credentials (401): missing, expired or forged token, wrong password, revoked session. */
  static unauthorized(code: string, message: string): DomainError {
    return new DomainError('unauthorized', code, message);
  }

  /** Valid credentials without the permission (403). Other projects' data answers not-found instead. */
  static forbidden(code: string, message: string): DomainError {
    return new DomainError('forbidden', code, message);
  }
}

/** The JSON body of every 4xx/5xx answer of the API. */
export interface ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly code?: string;
  /** One entry per offending input field. */
  readonly fields?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  readonly requestId?: string;
  /** Config validation: every problem with file, line, column and key path. */
  readonly problems?: readonly ConfigProblem[];
  /** Extra, error-specific detail (e.g. the versions and diff of a stale config save). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The 400 body for invalid input: one entry per offending field, their messages joined. */
export function validationErrorBody(fields: readonly FieldError[]): ApiErrorBody {
  return {
    statusCode: 400,
    error: 'Bad Request',
    code: 'validation',
    message: fields.map((f) => f.message).join('; '),
    fields: [...fields],
  };
}
