import { DomainError, permissions, QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH, type QueueBoardSession } from '@camel/contracts';
import { Authenticator, readCookie } from '@camel/identity/server';
import type { Clock } from '@camel/kernel';
import { can, CLOCK, domainErrorBody, type Principal } from '@camel/server';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RUN_QUEUE, type RunQueue } from '../../runs/run-queue';
import { BullMqRunQueue } from '../bullmq-run-queue';
import { QUEUE_BOARD_TTL_SECONDS, QueueBoardTickets } from './queue-board-tickets';

interface BoardRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}
interface BoardResponse {
  status(code: number): { json(body: unknown): void };
  setHeader(name: string, value: string): void;
}
type Next = (error?: unknown) => void;

/**
 * Bull Board over the `workflow-runs` queue, on the api when it has REDIS_URL (never on the
 * embedded default, which has no Redis; the worker serves health only). The console holds its
 * bearer token in memory, so a browser navigation to the board carries none: an owner first gets
 * a cookie from `session` (an authenticated POST), HttpOnly, SameSite=Strict, scoped to the board's
 * path and valid QUEUE_BOARD_TTL_SECONDS. Every board request — page, assets, its own API — passes
 * `guard`: the cookie must be authentic and unexpired, and the session it names must still be an
 * active owner's (sign-out, disable, reset or demotion shut the board at once).
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  private mounted = false;

  constructor(
    @Inject(RUN_QUEUE) private readonly runQueue: RunQueue,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly adapterHost: HttpAdapterHost,
    private readonly tickets: QueueBoardTickets,
    private readonly authenticator: Authenticator,
  ) {}

  async onModuleInit(): Promise<void> {
    const http = this.adapterHost.httpAdapter;
    // No HTTP server (the CLI's application context), or no Redis (the embedded default's in-process queue): no board.
    if (!(this.runQueue instanceof BullMqRunQueue) || !http) return;
    // Loaded only here: Bull Board and its UI take about a second to load, which no other process should pay.
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    // The api's own producer queue (one connection, closed with it).
    createBullBoard({ queues: [new BullMQAdapter(this.runQueue.open())], serverAdapter, options: { uiConfig: { boardTitle: 'CAMEL queues' } } });
    const guard = (req: BoardRequest, res: BoardResponse, next: Next) => void this.guard(req, res, next);
    (http.getInstance() as { use(path: string, ...handlers: unknown[]): void }).use(QUEUE_BOARD_PATH, guard, serverAdapter.getRouter());
    this.mounted = true;
  }

  /** The cookie that opens the board for `principal` (an owner, as the route's guard checked). */
  session(principal: Principal, request: BoardRequest, response: BoardResponse): QueueBoardSession {
    if (!this.mounted) throw DomainError.notFound('queues.board-unavailable', 'no queue board here: this api has no Redis (REDIS_URL is not set), its runs use no queue');
    if (!principal.userId || !principal.sessionId) throw DomainError.forbidden('auth.forbidden', 'the queue board opens for a signed-in owner, not an API key');
    const exp = Math.floor(this.clock.now().getTime() / 1000) + QUEUE_BOARD_TTL_SECONDS;
    const value = this.tickets.sign({ userId: principal.userId, sessionId: principal.sessionId, exp });
    const secure = request.secure ? '; Secure' : '';
    response.setHeader('Set-Cookie', `${QUEUE_BOARD_COOKIE}=${value}; Path=${QUEUE_BOARD_PATH}; Max-Age=${QUEUE_BOARD_TTL_SECONDS}; HttpOnly; SameSite=Strict${secure}`);
    return { url: `${QUEUE_BOARD_PATH}/`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  private async guard(request: BoardRequest, response: BoardResponse, next: Next): Promise<void> {
    try {
      const ticket = this.tickets.verify(readCookie(request, QUEUE_BOARD_COOKIE), this.clock.now());
      if (!ticket) throw DomainError.unauthorized('auth.required', 'open the queue board from the console (as an owner): its cookie is missing or has expired');
      const principal = await this.authenticator.sessionPrincipal(ticket.userId, ticket.sessionId, ticket.exp);
      if (!can(principal, permissions.manageQueues)) throw DomainError.forbidden('auth.forbidden', `the queue board needs ${permissions.manageQueues} (owner)`);
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      response.setHeader('Cache-Control', 'no-store');
      const body = domainErrorBody(error);
      response.status(body.statusCode).json(body);
      return;
    }
    next();
  }
}
