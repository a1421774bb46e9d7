import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { LogEntryView, RecordedEvent } from '@camel/contracts';
import {
  EMPTY_LIVE_RUN,
  REGENERATION_CALL_PREFIX,
  RunDeltaAssembler,
  applyRunEvents,
  isRunEvent,
  regenerationOfCall,
  type LiveRun,
  type LiveListStatus,
  type LiveSubscription,
  type RunDeltaSubscription,
  type StreamingText,
} from '@camel/console-data-access';
import { RunsApiService } from './runs-api.service';
import { LiveEventsService } from '../../core/live-events.service';

/** The calls whose answers a read already holds: their streamed text is over. */
function recordedCalls(runId: string, entries: readonly LogEntryView[]): string[] {
  return entries.flatMap((entry) => {
    if (entry.kind === 'task_specify') return ['specify'];
    if (entry.kind === 'turn' && entry.turnId) return [entry.turnId, `${entry.turnId}/critic`];
    if (entry.kind === 'alternative' && entry.source === 'regenerated') return [`${REGENERATION_CALL_PREFIX}${entry.id.slice(runId.length + 1)}`];
    return [];
  });
}

/** Of two read positions, the earlier one that is known (0 when neither is): following from it misses nothing. */
const earliest = (a: number, b: number): number => (a > 0 && b > 0 ? Math.min(a, b) : Math.max(a, b));

/**
 * One run for the live run view: read over REST (the run and its entries), then kept current by
 * the project's events (`applyRunEvents`, idempotent by stream version; a gap reads again) and,
 * while a model generates, by the run's token deltas (`RunDeltaAssembler`, dropped when the
 * turn's event arrives). Provided per page.
 */
@Injectable()
export class RunStore {
  private readonly runsApi = inject(RunsApiService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly stateSignal = signal<LiveRun>(EMPTY_LIVE_RUN);
  private readonly statusSignal = signal<LiveListStatus>('idle');
  private readonly streamingSignal = signal<readonly StreamingText[]>([]);
  private readonly notLiveSignal = signal(false);
  private readonly failedRegenerationsSignal = signal<ReadonlyMap<string, string>>(new Map());
  private subscription: LiveSubscription | null = null;
  private deltas: RunDeltaSubscription | null = null;
  private assembler: RunDeltaAssembler | null = null;
  private generation = 0;
  private target: { projectId: string; runId: string } | null = null;

  readonly run = computed(() => this.stateSignal().run);
  readonly entries = computed(() => this.stateSignal().entries);
  readonly candidates = computed(() => this.stateSignal().candidates);
  readonly status = this.statusSignal.asReadonly();
  readonly streaming = this.streamingSignal.asReadonly();
  readonly notLive = this.notLiveSignal.asReadonly();
  /** Regenerations whose call failed, seen live: alternative id → the provider's message. */
  readonly failedRegenerations = this.failedRegenerationsSignal.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => this.stop());
  }

  async load(projectId: string, runId: string, { keep = false }: { keep?: boolean } = {}): Promise<void> {
    this.stop();
    const generation = ++this.generation;
    this.target = { projectId, runId };
    if (!keep) this.stateSignal.set(EMPTY_LIVE_RUN);
    this.statusSignal.set('loading');
    this.notLiveSignal.set(false);
    let read: Awaited<ReturnType<RunsApiService['readRun']>>;
    try {
      read = await this.runsApi.readRun(projectId, runId);
    } catch {
      if (generation === this.generation) this.statusSignal.set('error');
      return;
    }
    if (generation !== this.generation) return;
    const [{ readPosition, ...run }, entries] = read;
    this.stateSignal.set({ run, entries: entries.items, candidates: keep ? this.stateSignal().candidates : {} });
    const assembler = new RunDeltaAssembler(runId);
    this.assembler = assembler;
    assembler.finish(recordedCalls(runId, entries.items));
    this.streamingSignal.set([]);
    this.statusSignal.set('ready');
    // After the read: the api refuses deltas of a run its read model lacks. The snapshot it starts
    // with is newer than the read, and calls the read holds are finished in the assembler.
    this.deltas = this.live.followRunDeltas(
      { projectId, runId },
      { onDelta: (delta) => generation === this.generation && assembler.apply(delta) && this.streamingSignal.set(assembler.streaming) },
      this.destroyRef,
    );
    this.subscription = this.live.follow(
      { kind: 'project', projectId },
      earliest(readPosition, entries.position),
      {
        onEvents: (events) => generation === this.generation && this.apply(events, runId),
        onError: () => this.notLiveSignal.set(true),
        onEnded: () => this.notLiveSignal.set(true),
      },
      this.destroyRef,
    );
  }

  /** Reads the run again (after a gap, or the reader asked), keeping what is shown meanwhile. */
  reload(): Promise<void> {
    const target = this.target;
    return target ? this.load(target.projectId, target.runId, { keep: true }) : Promise.resolve();
  }

  private apply(events: readonly RecordedEvent[], runId: string): void {
    const fold = applyRunEvents(this.stateSignal(), events, runId);
    this.stateSignal.set(fold.state);
    const failed: [string, string][] = [];
    for (const event of events) {
      if (!isRunEvent(event) || event.type !== 'TurnFailed' || event.data.runId !== runId) continue;
      const alternativeId = regenerationOfCall(event.data.callId);
      if (alternativeId !== null) failed.push([alternativeId, event.data.message]);
    }
    if (failed.length > 0) this.failedRegenerationsSignal.update((known) => new Map([...known, ...failed]));
    if (this.assembler?.settle(events)) this.streamingSignal.set(this.assembler.streaming);
    if (fold.gap) void this.reload();
  }

  private stop(): void {
    this.subscription?.close();
    this.subscription = null;
    this.deltas?.close();
    this.deltas = null;
  }
}
