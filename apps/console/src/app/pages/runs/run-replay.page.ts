import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSliderModule } from '@angular/material/slider';
import { Router, RouterLink } from '@angular/router';
import { permissions, type RunReplay } from '@camel/contracts';
import { alternativesByTurn } from '@camel/console-data-access';
import { RunsApiService } from './runs-api.service';
import { AuthService } from '../../core/auth.service';
import { RunStatusComponent } from '../../shared/run-status.component';
import { TurnBubbleComponent } from './turn-bubble.component';

const SLIDE_DEBOUNCE_MS = 120;

/**
 * A run as of any of its events: a slider over the run's events (`…/replay?count=N`), the run's
 * status and its entries at that point, and "Re-run" (the same config version, workflow and
 * overrides as a new run).
 */
@Component({
  selector: 'camel-run-replay-page',
  imports: [DatePipe, RouterLink, MatButtonModule, MatProgressBarModule, MatSliderModule, RunStatusComponent, TurnBubbleComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>
        <a [routerLink]="['/runs', projectId(), runId()]" data-testid="replay-back">{{ replay()?.run?.workflow ?? 'Run' }}</a> › Replay
      </h1>
      <div class="head-actions">
        @if (canStart()) {
          <button mat-flat-button type="button" [disabled]="rerunning() || !replay()" (click)="rerun()" data-testid="replay-rerun">Re-run</button>
        }
      </div>
    </div>
    @if (failed()) {
      <p class="load-error" role="alert">
        The replay could not be loaded.
        <button mat-button type="button" (click)="show(count() ?? 0)">Retry</button>
      </p>
    }
    @if (replay(); as replay) {
      <section class="camel-card" aria-label="Timeline" data-testid="replay-timeline" [attr.data-count]="replay.count" [attr.data-total]="replay.total">
        <div class="timeline">
          <mat-slider min="1" [max]="replay.total" step="1" discrete class="slider" aria-label="Event">
            <input matSliderThumb [value]="count() ?? replay.count" (valueChange)="slide($event)" data-testid="replay-slider" />
          </mat-slider>
          <span data-testid="replay-position">event {{ count() ?? replay.count }} of {{ replay.total }}</span>
          <button mat-button type="button" [disabled]="(count() ?? replay.count) <= 1" (click)="show((count() ?? replay.count) - 1)" data-testid="replay-previous">Previous</button>
          <button mat-button type="button" [disabled]="(count() ?? replay.count) >= replay.total" (click)="show((count() ?? replay.count) + 1)" data-testid="replay-next">Next</button>
        </div>
        <p data-testid="replay-event" [attr.data-type]="replay.event.type">
          <strong>{{ replay.event.type }}</strong>&ngsp;<span class="camel-muted">at {{ replay.event.time | date: 'medium' }}</span>
        </p>
        <p class="state">
          <camel-run-status [status]="replay.run.status" [reason]="replay.run.terminationReason" data-testid="replay-status" />
          <span>{{ replay.run.turns }} turn{{ replay.run.turns === 1 ? '' : 's' }} · {{ replay.run.tokensUsed }} tokens</span>
        </p>
        @if (loading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading that point of the run" />
        }
      </section>
      <section aria-label="Conversation as of this event" data-testid="replay-conversation">
        @for (turn of turns(); track turn.id) {
          <camel-turn-bubble [turn]="turn" [alternatives]="alternatives().get(turn.turnId ?? '') ?? []" />
        } @empty {
          <p class="camel-muted">No turn yet at this point.</p>
        }
      </section>
    } @else if (!failed()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the replay" />
    }
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .timeline {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .slider {
      flex: 1 1 320px;
    }
    .state {
      display: flex;
      gap: 12px;
      align-items: center;
    }
  `,
})
export class RunReplayPage {
  private readonly runsApi = inject(RunsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** Route parameters. */
  readonly projectId = input.required<string>();
  readonly runId = input.required<string>();

  protected readonly replay = signal<RunReplay | null>(null);
  /** The event the slider is on (null: the last, before the first answer). */
  protected readonly count = signal<number | null>(null);
  protected readonly loading = signal(false);
  protected readonly failed = signal(false);
  protected readonly rerunning = signal(false);
  protected readonly canStart = computed(() => this.auth.canIn(permissions.startRun, this.projectId()));
  protected readonly turns = computed(() => (this.replay()?.entries ?? []).filter((entry) => entry.kind !== 'alternative'));
  protected readonly alternatives = computed(() => alternativesByTurn(this.replay()?.entries ?? []));
  private ticket = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
    effect(() => {
      this.projectId();
      this.runId();
      untracked(() => {
        this.replay.set(null);
        this.count.set(null);
        void this.show(0);
      });
    });
  }

  protected slide(count: number): void {
    this.count.set(count);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.show(count), SLIDE_DEBOUNCE_MS);
  }

  /** Shows the run as of its `count`-th event; 0 = the last one. */
  protected async show(count: number): Promise<void> {
    const ticket = ++this.ticket;
    this.loading.set(true);
    this.failed.set(false);
    try {
      const replay = await this.runsApi.getRunReplay(this.projectId(), this.runId(), count > 0 ? count : undefined);
      if (ticket !== this.ticket) return;
      this.replay.set(replay);
      this.count.set(replay.count);
    } catch {
      if (ticket === this.ticket) this.failed.set(true);
    } finally {
      if (ticket === this.ticket) this.loading.set(false);
    }
  }

  protected async rerun(): Promise<void> {
    if (this.rerunning()) return;
    this.rerunning.set(true);
    try {
      const accepted = await this.runsApi.rerun(this.projectId(), this.runId());
      await this.router.navigate(['/runs', this.projectId(), accepted.id]);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.rerunning.set(false);
    }
  }
}
