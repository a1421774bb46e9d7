import type { DomainEvent } from '@camel/contracts';
import { type Clock, type Decider } from '@camel/kernel';
import { executeCommand, type EventStore, type ExecuteCommandResult, type ProjectionRunner, type SqlExecutor } from '@camel/event-store';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, EVENT_STORE, ID_GENERATOR, PROJECTION_RUNNER, type IdGenerator } from '../tokens';
import { currentRequestContext } from './request-context';

export interface CommandTarget<Command> {
  readonly streamId: string;
  readonly streamType: string;
  readonly command: Command;
  readonly projectId?: string;
  /** Extra writes committed atomically with the events (see ExecuteCommandInput.inTransaction). */
  readonly inTransaction?: (tx: SqlExecutor, events: readonly DomainEvent[]) => Promise<void>;
  /**
   * Answer only once the projections applied the events (default true: a client reads its own
   * writes). A worker driving a run does not read read models back, and may run none.
   */
  readonly awaitProjections?: boolean;
}

export interface CommandOutcome<Event, State> extends ExecuteCommandResult<Event, State> {
  /** Global position of the last appended event (0 when nothing was appended). */
  readonly position: number;
}

/**
 * What every @CommandHandler calls: load → decide → append with retries (executeCommand), with
 * metadata from the request context and time from the injected clock; then waits, bounded, until
 * the projections have applied the events so the caller can read its own writes.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    target: CommandTarget<Command>,
  ): Promise<CommandOutcome<Event, State>> {
    const context = currentRequestContext();
    const result = await executeCommand(this.store, decider, {
      streamId: target.streamId,
      streamType: target.streamType,
      command: target.command,
      inTransaction: target.inTransaction,
      clock: this.clock,
      newId: this.newId,
      metadata: {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.requestId,
        requestId: context.requestId,
        ...(target.projectId ? { projectId: target.projectId } : {}),
      },
    });
    const position = result.append?.lastPosition ?? 0;
    // Bounded: past the timeout the command still succeeded; the read model is merely behind.
    if (position > 0 && target.awaitProjections !== false) await this.projections.waitFor(position, { timeoutMs: this.config.projectionWaitMs });
    return { ...result, position };
  }
}
