import { RUN_STREAM_TYPE, runStreamId, type RecordedEvent } from '@camel/contracts';
import { validateConfigSet, type ValidConfigSet } from '@camel/configs';
import { ConfigsReadModel } from '@camel/configs/server';
import type { EventStore } from '@camel/event-store';
import { foldStream, type Clock } from '@camel/kernel';
import { CLOCK, CommandExecutor, EVENT_STORE } from '@camel/server';
import { nextStep, ProviderError, runDecider, type PlannedCall, type Run, type RunCommand, type RunState } from '@camel/workflows';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProviderRegistry, type ProviderSet } from '../providers';
import { RunCancellations } from './run-cancellations';
import { deltaCallOf, RunDeltaBus } from './run-deltas';

/** How a pass over a run ended: nothing to do now, or wake up at a person's deadline. */
export type RunPass = { readonly type: 'idle' } | { readonly type: 'wake_at'; readonly at: number };

/**
 * Drives one run: reads its stream, asks the engine what to do, does it, records the outcome, and
 * again, until the run waits for a person, is paused, failed or finished. Everything it decides goes
 * through the run decider like any command, so a pass repeated after a crash records nothing twice.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger('RunExecutor');
  private readonly providerSets = new Map<string, Promise<ProviderSet>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly executor: CommandExecutor,
    private readonly configs: ConfigsReadModel,
    private readonly registry: ProviderRegistry,
    private readonly deltas: RunDeltaBus,
    private readonly cancellations: RunCancellations,
  ) {}

  async pass(runId: string): Promise<RunPass> {
    for (;;) {
      const state = await this.load(runId);
      const action = nextStep(state);
      switch (action.type) {
        case 'idle':
          return { type: 'idle' };
        case 'begin':
          await this.decide(state, { type: 'BeginRun', runId });
          break;
        case 'complete':
          await this.decide(state, { type: 'CompleteRun', runId });
          break;
        case 'call_model':
          await this.call(state as Run, action.call);
          break;
        case 'await_input': {
          if (action.deadline === null) return { type: 'idle' };
          const at = Date.parse(action.deadline);
          if (at > this.clock.now().getTime()) return { type: 'wake_at', at };
          await this.decide(state, { type: 'ExpireInput', runId, turnId: action.place.turnId });
          break;
        }
        default: {
          const unknown: never = action;
          throw new Error(`unknown action ${JSON.stringify(unknown)}`);
        }
      }
    }
  }

  private async load(runId: string): Promise<RunState> {
    const events: RecordedEvent[] = await this.store.readStream(runStreamId(runId));
    return foldStream(runDecider, events);
  }

  private async decide(state: RunState, command: RunCommand): Promise<void> {
    await this.executor.execute(runDecider, {
      streamId: runStreamId(command.runId),
      streamType: RUN_STREAM_TYPE,
      projectId: 'projectId' in state ? state.projectId : undefined,
      command,
      awaitProjections: false,
    });
  }

  private async call(run: Run, call: PlannedCall): Promise<void> {
    const { runId } = run;
    const { signal, release } = this.cancellations.signalFor(runId);
    const offsets = new Map<number, number>();
    const named = deltaCallOf(call);
    try {
      const provider = (await this.providersOf(run)).get(call.request.provider);
      const answer = await provider.complete(call.request, {
        signal,
        onDelta: ({ choice, text }) => {
          const offset = offsets.get(choice) ?? 0;
          offsets.set(choice, offset + text.length);
          this.deltas.publish({ ...named, runId, choice, offset, text });
        },
        onRetry: () => {
          offsets.clear();
          this.deltas.publish({ ...named, runId, choice: 0, offset: 0, text: '', reset: true });
        },
      });
      await this.decide(run, { type: 'RecordModelAnswer', runId, callId: call.callId, answer });
    } catch (error) {
      const failure =
        error instanceof ProviderError
          ? { kind: error.kind, message: error.message, retryable: error.retryable }
          : { kind: 'server_error' as const, message: error instanceof Error ? error.message : String(error), retryable: true };
      if (!(error instanceof ProviderError)) this.logger.error(`run ${runId}: call ${call.callId} failed unexpectedly`, error instanceof Error ? error.stack : undefined);
      await this.decide(run, { type: 'RecordModelFailure', runId, callId: call.callId, error: failure });
    } finally {
      release();
      this.deltas.settle(runId, call.callId);
    }
  }

  /** The providers of the run's pinned config version (what it was started with, not the latest). */
  private providersOf(run: Run): Promise<ProviderSet> {
    const key = `${run.projectId}@${run.configVersion}`;
    let set = this.providerSets.get(key);
    if (!set) {
      set = this.configs.version(run.projectId, run.configVersion).then(({ files }) => {
        const valid = validateConfigSet(files);
        if (!valid.ok) throw new ProviderError('not_configured', `config version ${run.configVersion} is no longer valid`);
        return this.registry.providersOf(valid.value as ValidConfigSet, run.projectId);
      });
      set.catch(() => this.providerSets.delete(key));
      this.providerSets.set(key, set);
    }
    return set;
  }
}
