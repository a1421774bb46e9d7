import { DomainError, LIVE_EVENTS_PATH, permissions, RunDeltaMessage, type ApiErrorBody, type RunDelta } from '@camel/contracts';
import { can, domainErrorBody, type Principal } from '@camel/server';
import { RunDeltaBus, RunsReadModel } from '@camel/workflows/server';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { Socket } from 'socket.io';

interface DeltaSocketData {
  /** Set by the live-events gateway's handshake. */
  principal?: Principal;
  deltaSubscriptions?: Map<string, () => void>;
}
type DeltaSocket = Socket<Record<string, never>, { [RunDeltaMessage.Delta]: (delta: RunDelta) => void }, object, DeltaSocketData>;

type Reply = { ok: true } | { ok: false; error: ApiErrorBody };

const refusal = (error: DomainError): Reply => ({ ok: false, error: domainErrorBody(error) });

/**
 * Token deltas of runs being generated, on the same socket as the live events (the handshake there
 * authenticates it). A subscriber gets the text so far of calls in flight first, then every delta.
 */
@WebSocketGateway({ path: LIVE_EVENTS_PATH, serveClient: false })
export class RunDeltasGateway implements OnGatewayDisconnect {
  constructor(
    private readonly deltas: RunDeltaBus,
    private readonly runs: RunsReadModel,
  ) {}

  @SubscribeMessage(RunDeltaMessage.Subscribe)
  async subscribe(@ConnectedSocket() socket: DeltaSocket, @MessageBody() body: unknown): Promise<Reply> {
    const { projectId, runId } = (body ?? {}) as { projectId?: unknown; runId?: unknown };
    if (typeof projectId !== 'string' || typeof runId !== 'string' || projectId.length > 100 || runId.length > 100) {
      return refusal(DomainError.validation('deltas.subscribe.invalid', typeof projectId !== 'string' ? 'projectId' : 'runId', 'projectId and runId (strings) are required'));
    }
    const principal = socket.data.principal;
    const notFound = DomainError.notFound('run.not-found', `run ${runId} does not exist`);
    if (!principal || !can(principal, permissions.readRun, projectId)) return refusal(notFound);
    if (!(await this.runs.get(projectId, runId))) return refusal(notFound);
    const subscriptions = (socket.data.deltaSubscriptions ??= new Map());
    subscriptions.get(runId)?.();
    subscriptions.set(runId, this.deltas.subscribe(runId, (delta) => socket.emit(RunDeltaMessage.Delta, delta)));
    return { ok: true };
  }

  @SubscribeMessage(RunDeltaMessage.Unsubscribe)
  unsubscribe(@ConnectedSocket() socket: DeltaSocket, @MessageBody() body: unknown): Reply {
    const runId = (body as { runId?: unknown } | undefined)?.runId;
    if (typeof runId === 'string') {
      socket.data.deltaSubscriptions?.get(runId)?.();
      socket.data.deltaSubscriptions?.delete(runId);
    }
    return { ok: true };
  }

  handleDisconnect(socket: DeltaSocket): void {
    for (const stop of socket.data.deltaSubscriptions?.values() ?? []) stop();
    socket.data.deltaSubscriptions?.clear();
  }
}
