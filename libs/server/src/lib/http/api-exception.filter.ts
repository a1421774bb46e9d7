import { DomainError, type ApiErrorBody } from '@camel/contracts';
import { ConcurrencyError } from '@camel/event-store';
import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { currentRequestContext } from '../cqrs/request-context';
import type { SecurityRefusals } from './security-refusals';

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  validation: HttpStatus.BAD_REQUEST,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
};

/** The REST error body of a rule violation (the gateway answers refusals with the same shape). */
export function domainErrorBody(exception: DomainError): ApiErrorBody {
  const statusCode = DOMAIN_STATUS[exception.kind];
  return {
    statusCode,
    error: REASON[statusCode],
    message: exception.message,
    code: exception.code,
    ...(exception.field ? { fields: [{ field: exception.field, message: exception.message }] } : {}),
    ...exception.body,
  };
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Codes of answers Nest makes itself (an unknown route, a malformed request), so every error has one. */
const HTTP_CODE: Record<number, string> = {
  400: 'request.invalid',
  404: 'route.not-found',
  405: 'route.method-not-allowed',
  413: 'request.too-large',
  415: 'request.unsupported-media-type',
  429: 'throttled',
};

interface HttpResponse {
  status(code: number): { json(body: unknown): void };
}
interface HttpRequest {
  method?: string;
  path?: string;
  originalUrl?: string;
  ip?: string;
}

/** Refusals that show probing or brute forcing when counted: logged as one structured line each. */
const SECURITY_STATUSES = new Set([401, 403, 429]);

/**
 * A part of the URL space that answers errors in a shape of its own (the OpenAI-compatible `/v1`):
 * its filter also answers what is refused there before routing (a body the parser refuses, an
 * unknown route), which the controller's own filter never sees.
 */
export interface PathExceptionFilter {
  /** e.g. `/v1`: the path itself and everything below it. */
  readonly prefix: string;
  readonly filter: ExceptionFilter;
}

/** Every error answer has one shape (ApiErrorBody) and carries the request id for support. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');
  private readonly security = new Logger('Security');

  /** `refusals` counts the security log's lines (GET /api/metrics/security). */
  constructor(
    private readonly refusals?: SecurityRefusals,
    private readonly byPath: readonly PathExceptionFilter[] = [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // The full path: a middleware's request has its `path` relative to where the middleware is mounted.
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const path = (request?.originalUrl ?? request?.path ?? '').split('?')[0];
    const own = this.byPath.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    if (own) return own.filter.catch(exception, host);
    const http = host.switchToHttp();
    const response = http.getResponse<HttpResponse>();
    const body = this.toBody(exception);
    const { requestId } = currentRequestContext();
    if (body.statusCode >= 500) this.logger.error(body.message, exception instanceof Error ? exception.stack : undefined);
    if (SECURITY_STATUSES.has(body.statusCode)) {
      // Path without the query, no headers, no body: a refused request's secrets never reach the log.
      const request = http.getRequest<HttpRequest>();
      this.security.warn(JSON.stringify({ event: 'refused', status: body.statusCode, code: body.code, method: request.method, path: request.path, requestId, client: request.ip }));
      this.refusals?.record(body.statusCode, body.code ?? 'none');
    }
    response.status(body.statusCode).json({ ...body, requestId });
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof DomainError) return domainErrorBody(exception);
    if (exception instanceof ConcurrencyError) {
      return {
        statusCode: 409,
        error: REASON[409],
        code: 'concurrency',
        message: 'The resource was changed by someone else at the same time; reload it and try again',
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'object' && payload !== null && 'statusCode' in payload && 'message' in payload) {
        const p = payload as Partial<ApiErrorBody> & { message: unknown };
        return {
          ...p,
          statusCode,
          error: p.error ?? REASON[statusCode] ?? 'Error',
          code: p.code ?? codeOf(statusCode),
          message: Array.isArray(p.message) ? p.message.join('; ') : String(p.message),
        };
      }
      return { statusCode, error: REASON[statusCode] ?? 'Error', code: codeOf(statusCode), message: exception.message };
    }
    return { statusCode: 500, error: REASON[500], code: 'internal', message: 'Internal server error' };
  }
}

const codeOf = (statusCode: number): string => HTTP_CODE[statusCode] ?? `http.${statusCode}`;
