import { DATASET_IMPORT_MAX_BYTES, type ApiErrorBody, type FieldError } from '@camel/contracts';
import { HttpException, Injectable, type NestMiddleware } from '@nestjs/common';

/** Body limits per route, as docs/api.md promises them (config files and bundles are 1 MB each). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const CONFIG_BODY_LIMIT = 10 * 1024 * 1024;
const CONFIG_ROUTES = /^\/api\/projects\/[^/]+\/configs(\/|$)/;
/** A dataset import carries its JSONL file in the body (docs/api.md "Datasets"). */
const DATASET_IMPORT_ROUTE = /^\/api\/projects\/[^/]+\/datasets\/import$/;

/** Deeper JSON than any request of this api needs; validators recurse, so it is refused before them. */
export const MAX_JSON_DEPTH = 64;

/** Keys that name the prototype machinery: refused as unknown fields instead of silently dropped. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' };

/** A request refused before routing, in the one ApiErrorBody shape. */
export class RequestRefused extends HttpException {
  constructor(statusCode: 400 | 413 | 415, code: string, message: string, fields?: readonly FieldError[]) {
    const body: ApiErrorBody = { statusCode, error: STATUS_TEXT[statusCode], code, message, ...(fields ? { fields: [...fields] } : {}) };
    super(body, statusCode);
  }
}

interface BodyRequest extends AsyncIterable<Buffer> {
  method: string;
  /** The full path: a middleware's own `path` is relative to where it is mounted. */
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
interface BodyResponse {
  setHeader(name: string, value: string): void;
}

/** No route reads a body on these; a stray content type on them is not worth refusing. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const bodyLimitFor = (path: string): number =>
  DATASET_IMPORT_ROUTE.test(path) ? DATASET_IMPORT_MAX_BYTES : CONFIG_ROUTES.test(path) ? CONFIG_BODY_LIMIT : DEFAULT_BODY_LIMIT;

/**
 * The api's only body parser (bootstrap turns Nest's off): JSON alone, UTF-8 alone, no
 * content-encoding, a size limit per route, bounded depth. A form post carries a form content type
 * even without fields, so it is refused here and can never reach a cookie route as a command.
 * Runs after the request context, so refusals carry the request id like every other error.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  async use(req: BodyRequest, res: BodyResponse, next: () => void): Promise<void> {
    if (BODYLESS_METHODS.has(req.method)) return next();
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const contentType = header('content-type');
    const length = header('content-length');
    const hasBody = header('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
    if (contentType === undefined && !hasBody) return next();
    checkMediaType(contentType);
    const encoding = header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      throw new RequestRefused(415, 'request.unsupported-encoding', `content-encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send the body uncompressed`);
    }
    if (!hasBody) return next();
    const limit = bodyLimitFor(req.originalUrl.split('?')[0]);
    const refuseSize = () => {
      // The rest of an oversized body is not worth reading: close the connection after answering.
      res.setHeader('connection', 'close');
      return new RequestRefused(413, 'request.too-large', `the request body is larger than the ${limit / (1024 * 1024)} MB this route accepts`);
    };
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > limit) throw refuseSize();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > limit) throw refuseSize();
      chunks.push(chunk);
    }
    if (size === 0) return next();
    req.body = parseJson(Buffer.concat(chunks, size));
    next();
  }
}

function checkMediaType(contentType: string | undefined): void {
  const [type = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') {
    throw new RequestRefused(415, 'request.unsupported-media-type', `content-type must be application/json, not ${JSON.stringify((contentType ?? '').slice(0, 80))}`, [
      { field: 'content-type', message: 'must be application/json' },
    ]);
  }
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim().replace(/^"|"$/g, ''));
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      throw new RequestRefused(415, 'request.unsupported-charset', `charset ${JSON.stringify(value.slice(0, 40))} is not supported; send UTF-8`, [
        { field: 'content-type', message: 'charset must be utf-8' },
      ]);
    }
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new RequestRefused(400, 'request.malformed-json', 'the request body is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestRefused(400, 'request.malformed-json', `the request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  checkShape(value);
  return value;
}

/** Iterative on purpose: a recursive walk is what a deeply nested body would overflow. */
function checkShape(root: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new RequestRefused(400, 'request.too-deep', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`, [
        { field: path || 'body', message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) {
        throw new RequestRefused(400, 'validation', `property ${field} should not exist`, [{ field, message: `property ${field} should not exist` }]);
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}
