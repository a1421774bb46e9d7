import { DatePipe, DecimalPipe, KeyValuePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TRAINING_RUN_FINAL, permissions, type TrainingStepMetrics } from '@camel/contracts';
import { formatEta, formatTick, metricSeries, trainingRunDetailSource, TOKENS_PER_SECOND, type ChartSeries } from '@camel/console-data-access';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';
import { LineChartComponent } from '../../shared/line-chart.component';
import { RunStatusComponent } from '../../shared/run-status.component';
import { DatasetsApiService } from '../datasets/datasets-api.service';
import { TrainingApiService } from './training-api.service';

/** The charts of a run: TRL's metric names, grouped as a person compares them. */
export const TRAINING_CHARTS: readonly { readonly name: string; readonly title: string; readonly series: readonly string[]; readonly dpoOnly: boolean }[] = [
  { name: 'loss', title: 'Loss', series: ['loss'], dpoOnly: false },
  { name: 'rewards', title: 'Rewards: chosen vs rejected', series: ['rewards/chosen', 'rewards/rejected'], dpoOnly: true },
  { name: 'accuracies', title: 'Reward accuracy', series: ['rewards/accuracies'], dpoOnly: true },
  { name: 'margins', title: 'Reward margin', series: ['rewards/margins'], dpoOnly: true },
  { name: 'throughput', title: 'Throughput (tokens/s)', series: [TOKENS_PER_SECOND], dpoOnly: false },
];

/** Charts of a history (a run's, or a trained model's), for the run and model pages. */
export function historyCharts(history: readonly TrainingStepMetrics[], dpo: boolean): { name: string; title: string; series: ChartSeries[] }[] {
  return TRAINING_CHARTS.filter((chart) => dpo || !chart.dpoOnly).map((chart) => ({ name: chart.name, title: chart.title, series: metricSeries(history, chart.series) }));
}

/**
 * One training run, live: status, step / total, ETA, checkpoint, attempts, backend, failure; charts
 * of loss, rewards (chosen vs rejected), accuracy, margin and throughput that grow with every
 * `TrainingProgressRecorded` on the project topic; Cancel while it is queued or running.
 */
@Component({
  selector: 'camel-training-run-page',
  imports: [DatePipe, DecimalPipe, KeyValuePipe, RouterLink, MatButtonModule, MatProgressBarModule, LineChartComponent, RunStatusComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrls: ['../../shared/project-page.scss'],
  template: `
    @if (detail(); as d) {
      <div class="page-head">
        <h1>Training {{ d.run.modelName }}</h1>
        <div class="head-actions">
          <camel-run-status [status]="d.run.status" data-testid="training-status" />
          @if (canCancel()) {
            <button mat-stroked-button class="danger" type="button" [disabled]="cancelling()" (click)="cancel()" data-testid="training-cancel">Cancel</button>
          }
          <a mat-button [routerLink]="['/training', projectId()]">All runs</a>
        </div>
      </div>
      <section class="camel-card summary" aria-label="Progress" data-testid="training-summary" [attr.data-status]="d.run.status">
        @if (d.run.progress; as p) {
          <mat-progress-bar mode="determinate" [value]="p.totalSteps ? (p.step / p.totalSteps) * 100 : 0" [attr.aria-label]="'Step ' + p.step + ' of ' + p.totalSteps" />
        }
        <dl>
          <dt>Step</dt>
          <dd data-testid="training-step" [attr.data-step]="d.run.progress?.step ?? 0">{{ d.run.progress ? d.run.progress.step + ' / ' + d.run.progress.totalSteps + ' (epoch ' + (d.run.progress.epoch + 1) + ')' : '—' }}</dd>
          @if (d.run.status === 'queued') {
            <dt>Queue</dt>
            <dd data-testid="training-queue-position">{{ d.run.queuePosition === null ? 'waiting' : d.run.queuePosition === 0 ? 'next' : d.run.queuePosition + ' ahead' }}</dd>
          }
          @if (d.run.status === 'running') {
            <dt>Time left</dt>
            <dd data-testid="training-eta">{{ eta(d.run.progress?.etaSeconds ?? null) }}</dd>
          }
          <dt>Tokens/s</dt>
          <dd>{{ d.run.progress ? (d.run.progress.tokensPerSecond | number: '1.0-0') : '—' }}</dd>
          <dt>Checkpoint</dt>
          <dd data-testid="training-checkpoint">{{ d.run.progress?.checkpointStep ? 'step ' + d.run.progress?.checkpointStep : 'none yet' }}</dd>
          <dt>Attempts</dt>
          <dd data-testid="training-attempts">{{ d.run.attempts }}{{ d.run.attempts > 1 ? ' (resumed after a lost worker)' : '' }}</dd>
          <dt>Backend</dt>
          <dd data-testid="training-backend">{{ d.run.backend ?? '—' }}</dd>
          <dt>Method</dt>
          <dd>{{ d.run.method.toUpperCase() }}{{ d.run.lora ? ' with LoRA (rank ' + d.run.lora.rank + ', alpha ' + d.run.lora.alpha + ', ' + d.run.lora.targets.join(', ') + ')' : ', full fine-tune' }}</dd>
          <dt>Dataset</dt>
          <dd><a [routerLink]="['/datasets', projectId()]" [title]="d.run.datasetId" data-testid="training-dataset-link">{{ datasetName() ?? 'dataset ' + d.run.datasetId.slice(0, 8) }} v{{ d.run.datasetVersion }}</a></dd>
          <dt>Base model</dt>
          <dd><a [routerLink]="['/models', projectId(), d.run.baseModelId]">{{ d.run.baseModelId }}</a></dd>
          @if (d.run.modelId; as modelId) {
            <dt>Model</dt>
            <dd><a [routerLink]="['/models', projectId(), modelId]" data-testid="training-model-link">{{ d.run.modelName }}</a></dd>
          }
          <dt>Seed</dt>
          <dd>{{ d.run.seed }}</dd>
          <dt>Created</dt>
          <dd><time [attr.datetime]="d.run.createdAt">{{ d.run.createdAt | date: 'medium' }}</time></dd>
          @if (d.run.finishedAt) {
            <dt>Finished</dt>
            <dd><time [attr.datetime]="d.run.finishedAt">{{ d.run.finishedAt | date: 'medium' }}</time></dd>
          }
        </dl>
        @if (d.run.failure; as f) {
          <p class="load-error" role="alert" data-testid="training-failure" [attr.data-code]="f.code">Failed: {{ f.message }}</p>
        }
      </section>
      <section class="charts" aria-label="Charts">
        @for (chart of charts(); track chart.name) {
          <camel-line-chart class="camel-card" [name]="chart.name" [title]="chart.title" [series]="chart.series" />
        }
      </section>
      <section class="camel-card">
        <h2>Arguments</h2>
        <table class="camel-grid" data-testid="training-arguments">
          <caption class="camel-visually-hidden">Hyperparameters</caption>
          <tbody>
            @for (entry of d.run.hyperparameters | keyvalue; track entry.key) {
              <tr><th scope="row">{{ entry.key }}</th><td>{{ entry.value }}</td></tr>
            }
          </tbody>
        </table>
        @if (d.evaluation; as evaluation) {
          <h2>Held-out evaluation</h2>
          <table class="camel-grid" data-testid="training-evaluation">
            <tbody>
              @for (entry of evaluation | keyvalue; track entry.key) {
                <tr><th scope="row">{{ entry.key }}</th><td>{{ tick(entry.value) }}</td></tr>
              }
            </tbody>
          </table>
        }
      </section>
    } @else if (store.state() === 'loading') {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the training run" />
    } @else if (store.state() === 'error') {
      <p class="load-error" role="alert">The training run could not be read. <a mat-button [routerLink]="['/training', projectId()]">All runs</a></p>
    }
  `,
  styles: `
    .summary dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 4px 16px;
      margin: 12px 0 0;
    }
    .summary dt {
      color: var(--camel-muted);
    }
    .summary dd {
      margin: 0;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
      gap: 16px;
      margin: 16px 0;
    }
  `,
})
export class TrainingRunPage {
  private readonly training = inject(TrainingApiService);
  private readonly auth = inject(AuthService);
  private readonly toast = inject(ToastService);
  private readonly datasets = inject(DatasetsApiService);
  protected readonly store = injectLiveList((projectId: string, runId: string) => trainingRunDetailSource(projectId, runId, () => this.training.getRun(projectId, runId)), {
    clearOnLoad: true,
  });

  readonly projectId = input.required<string>();
  readonly runId = input.required<string>();

  protected readonly cancelling = signal(false);
  /** The dataset's name (read once per dataset; null until then or without `dataset:read`). */
  protected readonly datasetName = signal<string | null>(null);
  protected readonly eta = formatEta;
  protected readonly tick = formatTick;
  protected readonly detail = computed(() => this.store.items()[0] ?? null);
  protected readonly charts = computed(() => {
    const detail = this.detail();
    return detail ? historyCharts(detail.history, detail.run.method === 'dpo') : [];
  });
  protected readonly canCancel = computed(() => {
    const run = this.detail()?.run;
    return !!run && !TRAINING_RUN_FINAL.includes(run.status) && run.status !== 'cancelling' && this.auth.canIn(permissions.startTraining, this.projectId());
  });

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const runId = this.runId();
      untracked(() => void this.store.load(projectId, runId));
    });
    effect(() => {
      const datasetId = this.detail()?.run.datasetId;
      const projectId = this.projectId();
      untracked(() => {
        if (!datasetId || !this.auth.canIn(permissions.readDataset, projectId) || this.datasetFor === datasetId) return;
        this.datasetFor = datasetId;
        this.datasets.getDataset(projectId, datasetId).then(
          (dataset) => this.datasetFor === datasetId && this.datasetName.set(dataset.name),
          () => undefined,
        );
      });
    });
  }

  private datasetFor: string | null = null;

  protected async cancel(): Promise<void> {
    this.cancelling.set(true);
    try {
      await this.training.cancel(this.projectId(), this.runId());
      this.toast.info('Cancelling: the run stops within a few seconds.');
    } catch {
      // Toasted.
    } finally {
      this.cancelling.set(false);
    }
  }
}
