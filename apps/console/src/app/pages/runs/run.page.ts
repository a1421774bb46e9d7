import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { RUN_TEXT_MAX_LENGTH, permissions, type LogEntryView, type RunView } from '@camel/contracts';
import { alternativesByTurn, isActiveRun, type RunControl, type StreamingText } from '@camel/console-data-access';
import { RunsApiService } from './runs-api.service';
import { AuthService } from '../../core/auth.service';
import { ToastService } from '../../core/toast.service';
import { actorLabel } from '../../shared/actor-label';
import { RunStatusComponent } from '../../shared/run-status.component';
import { openRegenerateDialog } from './regenerate-dialog.component';
import { RunStore } from './run.store';
import { TurnBubbleComponent } from './turn-bubble.component';

/** What a streamed call is, for its bubble's heading (its delta names the turn and the agent). */
function callLabel(text: StreamingText): string {
  switch (text.purpose) {
    case 'task_specify':
      return `Task specification · ${text.agent}`;
    case 'critic':
      return `Critic of turn ${text.index ?? '?'} · ${text.agent}`;
    case 'turn':
    case 'regenerate':
      return `Turn ${text.index ?? '?'} · ${text.agent}${text.choice > 0 ? ` · candidate ${text.choice + 1}` : ''}`;
  }
}

/**
 * One run live: its turns as chat bubbles, the turn being generated streaming token by token,
 * the controls (pause, resume, step, cancel, retry), a person's turn or choice when the run waits
 * for one, regeneration of any turn with its alternatives beside it, and the run's status and end.
 */
@Component({
  selector: 'camel-run-page',
  imports: [DatePipe, DecimalPipe, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, RunStatusComponent, TurnBubbleComponent],
  providers: [RunStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './run.page.html',
  styleUrls: ['../../shared/project-page.scss', './run.page.scss'],
})
export class RunPage {
  private readonly runsApi = inject(RunsApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);
  protected readonly store = inject(RunStore);

  /** Route parameters. */
  readonly projectId = input.required<string>();
  readonly runId = input.required<string>();

  protected readonly textMax = RUN_TEXT_MAX_LENGTH;
  protected readonly humanTurn = signal('');
  protected readonly busy = signal<string | null>(null);
  /** Regenerations asked for here: alternative id → turn (shown beside it until recorded or failed). */
  private readonly regenerations = signal<ReadonlyMap<string, LogEntryView>>(new Map());

  protected readonly canControl = computed(() => this.auth.canIn(permissions.controlRun, this.projectId()));
  protected readonly canStart = computed(() => this.auth.canIn(permissions.startRun, this.projectId()));
  protected readonly run = this.store.run;
  protected readonly turns = computed(() => this.store.entries().filter((entry) => entry.kind !== 'alternative'));
  protected readonly alternatives = computed(() => alternativesByTurn(this.store.entries()));
  /** Conversation calls being generated (regenerations show beside their turn). */
  protected readonly generating = computed(() => this.store.streaming().filter((text) => text.purpose !== 'regenerate'));
  /**
   * Texts of regenerations by turn: those asked for here from the request until their alternative
   * is recorded (empty until the first token), and those streaming (asked for elsewhere or before
   * this page opened: their deltas name the turn). `others`: a streaming regeneration whose turn is
   * not on the page.
   */
  protected readonly regenerating = computed(() => {
    const recorded = new Set(this.store.entries().map((entry) => entry.id));
    const failed = this.store.failedRegenerations();
    const shown = new Set(this.turns().map((turn) => turn.turnId));
    const byTurn = new Map<string, string[]>();
    const add = (turnId: string, text: string) => byTurn.set(turnId, [...(byTurn.get(turnId) ?? []), text]);
    const streaming = new Map<string, StreamingText>();
    for (const text of this.store.streaming()) if (text.alternativeId !== null) streaming.set(text.alternativeId, text);
    for (const [alternativeId, turn] of this.regenerations()) {
      const text = streaming.get(alternativeId)?.text ?? '';
      streaming.delete(alternativeId);
      if (!turn.turnId || recorded.has(`${turn.runId}:${alternativeId}`) || failed.has(alternativeId)) continue;
      add(turn.turnId, text);
    }
    const others: string[] = [];
    for (const text of streaming.values()) {
      if (text.turnId !== null && shown.has(text.turnId)) add(text.turnId, text.text);
      else others.push(text.text);
    }
    return { byTurn, others };
  });
  /** The options of an awaited choice: the run's own (the api reads them from the run), else those seen live. */
  protected readonly awaitedCandidates = computed(() => {
    const awaiting = this.run()?.awaiting;
    if (awaiting?.input !== 'choice') return [];
    return awaiting.candidates.length > 0 ? awaiting.candidates : (this.store.candidates()[awaiting.turnId] ?? []);
  });

  protected readonly callLabel = callLabel;
  protected readonly NO_TEXTS: readonly string[] = [];

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const runId = this.runId();
      untracked(() => {
        this.humanTurn.set('');
        this.regenerations.set(new Map());
        void this.store.load(projectId, runId);
      });
    });
    // A regeneration asked for here that failed says so (the run itself is not affected). Its
    // failure can arrive before the request's answer names its id: both are tracked.
    const told = new Set<string>();
    effect(() => {
      const asked = this.regenerations();
      for (const [alternativeId, message] of this.store.failedRegenerations()) {
        const turn = asked.get(alternativeId);
        if (!turn || told.has(alternativeId)) continue;
        told.add(alternativeId);
        this.toast.error(new Error(`Regenerating turn ${turn.index} failed: ${message}`));
      }
    });
  }

  protected starter(run: RunView): string {
    return actorLabel(run.createdBy, this.auth.me()?.actor);
  }

  protected streamingAlignedRight(text: StreamingText): boolean {
    return this.run()?.workflowType === 'role_playing' && text.purpose === 'turn' && text.index !== null && text.index % 2 === 0;
  }

  protected can(control: RunControl, run: RunView): boolean {
    switch (control) {
      case 'pause':
        return run.status === 'queued' || run.status === 'running';
      case 'resume':
        return run.status === 'paused';
      case 'step':
        return run.status === 'paused' || run.status === 'running';
      case 'cancel':
        return isActiveRun(run);
      case 'retry':
        return run.status === 'failed' && (run.failure?.retryable ?? false);
      default: {
        const unknown: never = control;
        throw new Error(`unknown control ${String(unknown)}`);
      }
    }
  }

  protected async control(control: RunControl): Promise<void> {
    await this.act(control, () => this.runsApi.controlRun(this.projectId(), this.runId(), control));
  }

  protected async submitTurn(agent: string): Promise<void> {
    const content = this.humanTurn();
    if (!content.trim()) return;
    if (await this.act('input', () => this.runsApi.submitHumanTurn(this.projectId(), this.runId(), { agent, content }))) this.humanTurn.set('');
  }

  protected async choose(candidate: number): Promise<void> {
    if (!Number.isInteger(candidate) || candidate < 0) return;
    await this.act('choice', () => this.runsApi.chooseCandidate(this.projectId(), this.runId(), { candidate }));
  }

  protected async regenerate(turn: LogEntryView): Promise<void> {
    const request = await openRegenerateDialog(this.dialog, turn);
    if (!request || !turn.turnId) return;
    const turnId = turn.turnId;
    await this.act('regenerate', async () => {
      const accepted = await this.runsApi.regenerateTurn(this.projectId(), this.runId(), turnId, request);
      this.regenerations.update((known) => new Map([...known, [accepted.id, turn]]));
    });
  }

  protected async rerun(): Promise<void> {
    await this.act('rerun', async () => {
      const accepted = await this.runsApi.rerun(this.projectId(), this.runId());
      await this.router.navigate(['/runs', this.projectId(), accepted.id]);
    });
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  private async act(name: string, action: () => Promise<unknown>): Promise<boolean> {
    if (this.busy()) return false;
    this.busy.set(name);
    try {
      await action();
      return true;
    } catch {
      // ApiService has shown the server's message.
      return false;
    } finally {
      this.busy.set(null);
    }
  }
}
