import type { Actor } from '@camel/contracts';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  readonly requestId: string;
  readonly correlationId: string;
  /** Anonymous until the auth guard has identified the caller (setRequestActor). */
  actor: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'system' };

/** The current request's context; outside a request (CLI, jobs) a fresh system context. */
export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? { requestId: randomUUID(), correlationId: randomUUID(), actor: SYSTEM_ACTOR };
}

/** Called by the auth guard once it knows who is calling: every event of the request names them. */
export function setRequestActor(actor: Actor): void {
  const context = storage.getStore();
  if (context) context.actor = actor;
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Client-supplied ids are accepted only when short and plain, so they are safe to log and store. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  setHeader(name: string, value: string): void;
}

@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: HttpRequest, res: HttpResponse, next: () => void): void {
    const header = (name: string) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value[0] : value;
      return text && SAFE_ID.test(text) ? text : undefined;
    };
    const requestId = header('x-request-id') ?? randomUUID();
    const context: RequestContext = {
      requestId,
      correlationId: header('x-correlation-id') ?? requestId,
      actor: { type: 'anonymous', id: 'anonymous' },
    };
    res.setHeader('x-request-id', requestId);
    runWithRequestContext(context, next);
  }
}
