import { DomainError } from '@camel/contracts';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GenerationError } from '../local/model-host';

/** OpenAI's error body, as its clients parse it (`error.message`, `type`, `param`, `code`). */
export interface OpenAiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
  /** The platform's convention beside OpenAI's: the offending input, for bad requests. */
  readonly fields?: readonly { readonly field: string; readonly message: string }[];
}

/** An error answered in OpenAI's shape. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  get body(): OpenAiErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
      ...(this.param && this.status === 400 ? { fields: [{ field: this.param, message: this.message }] } : {}),
    };
  }

  static invalid(param: string, message: string, code: string | null = null): OpenAiError {
    return new OpenAiError(400, message, 'invalid_request_error', param, code);
  }
}

/** Whatever was thrown → OpenAI's shape and status. */
export function toOpenAiError(error: unknown): OpenAiError {
  if (error instanceof OpenAiError) return error;
  if (error instanceof DomainError) {
    switch (error.kind) {
      case 'validation':
        return OpenAiError.invalid(error.field ?? 'body', error.message, error.code);
      case 'unauthorized':
        return new OpenAiError(401, error.message, 'invalid_request_error', null, 'invalid_api_key');
      case 'forbidden':
        return new OpenAiError(403, error.message, 'permission_error', null, error.code);
      case 'not-found':
        return new OpenAiError(404, error.message, 'invalid_request_error', null, error.code);
      case 'conflict':
        return new OpenAiError(409, error.message, 'invalid_request_error', error.field ?? null, error.code);
    }
  }
  if (error instanceof GenerationError) return error.kind === 'bad_request' ? OpenAiError.invalid('messages', error.message) : new OpenAiError(500, error.message, 'server_error');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const payload = error.getResponse() as { message?: unknown; code?: string; fields?: { field: string }[] } | string;
    const message = typeof payload === 'string' ? payload : Array.isArray(payload.message) ? payload.message.join('; ') : String(payload.message ?? error.message);
    const param = typeof payload === 'object' ? (payload.fields?.[0]?.field ?? null) : null;
    return new OpenAiError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error', param, typeof payload === 'object' ? (payload.code ?? null) : null);
  }
  return new OpenAiError(500, 'Internal server error', 'server_error');
}

interface HttpResponse {
  readonly headersSent: boolean;
  status(code: number): { json(body: unknown): void };
  end(): void;
}

/** `/v1` answers every error in OpenAI's shape (the guard's 401/403 included). */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Serving');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const error = toOpenAiError(exception);
    if (error.status >= 500) this.logger.error(exception instanceof Error ? exception.message : String(exception), exception instanceof Error ? exception.stack : undefined);
    if (response.headersSent) return response.end();
    response.status(error.status).json(error.body);
  }
}
