import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { RunStatus, TerminationReason, TrainingRunStatus } from '@camel/contracts';

const STATUS_LABEL: Record<RunStatus | TrainingRunStatus, string> = {
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  cancelling: 'cancelling',
  awaiting_input: 'awaiting input',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export const REASON_LABEL: Record<TerminationReason, string> = {
  task_done: 'task done',
  max_turns: 'turn limit',
  max_tokens_exceeded: 'token budget',
  stopped: 'stopped',
  input_timeout: 'input timed out',
  error: 'error',
};

/** A run's (or a training run's) status as a chip, with its termination reason once it ended (`data-status` for tests). */
@Component({
  selector: 'camel-run-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-status]': 'status()', '[attr.data-reason]': 'reason()', '[class]': '"chip " + status()' },
  template: `{{ label() }}`,
  styles: `
    :host {
      display: inline-block;
      padding: 0 8px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface);
    }
    :host(.running),
    :host(.cancelling),
    :host(.queued) {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    :host(.awaiting_input),
    :host(.paused) {
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    :host(.failed) {
      background: var(--camel-danger-soft);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class RunStatusComponent {
  readonly status = input.required<RunStatus | TrainingRunStatus>();
  readonly reason = input<TerminationReason | null>(null);
  protected readonly label = computed(() => {
    const reason = this.reason();
    const status = STATUS_LABEL[this.status()];
    return reason && (this.status() === 'completed' || this.status() === 'failed') ? `${status} · ${REASON_LABEL[reason]}` : status;
  });
}
