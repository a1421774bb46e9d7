import { DatePipe, DecimalPipe, KeyValuePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { MODEL_TAG, permissions, type ModelDetail } from '@camel/contracts';
import { ApiError, formatTick } from '@camel/console-data-access';
import { AuthService } from '../../core/auth.service';
import { confirmAction } from '../../shared/confirm-dialog.component';
import { LineChartComponent } from '../../shared/line-chart.component';
import { MarkdownLiteComponent } from '../../shared/markdown-lite.component';
import { historyCharts } from '../training/training-run.page';
import { ModelPlaygroundComponent } from './model-playground.component';
import { ModelsApiService } from './models-api.service';

/**
 * One registry model: architecture, lineage (dataset version → training run → this model → the
 * workflow runs that used it), the model card, metrics and the training history's charts; tags and
 * archive for `model:manage`; the playground. Re-read when `version` changes (a live event).
 */
@Component({
  selector: 'camel-model-detail',
  imports: [DatePipe, DecimalPipe, KeyValuePipe, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, LineChartComponent, MarkdownLiteComponent, ModelPlaygroundComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'model-detail', '[attr.data-model-id]': 'modelId()' },
  styleUrls: ['../../shared/project-page.scss'],
  template: `
    @if (detail(); as d) {
      @let m = d.model;
      <div class="page-head">
        <h2 data-testid="model-detail-name">{{ m.name }}</h2>
        @if (canManage() && m.source !== 'builtin' && !m.archived) {
          <button mat-stroked-button class="danger" type="button" (click)="archive()" data-testid="model-archive">Archive</button>
        }
      </div>
      <p class="camel-muted">
        {{ m.source === 'builtin' ? 'Built-in' : m.source === 'training' ? 'Trained here' : 'Imported' }}{{ m.archived ? ' · archived' : '' }} ·
        <time [attr.datetime]="m.createdAt">{{ m.createdAt | date: 'medium' }}</time>
        @if (m.description) { · {{ m.description }} }
      </p>
      <p class="camel-muted">Agents use it with <code>model: {{ '{' }} provider: local, name: {{ m.name }} {{ '}' }}</code>.</p>

      <div class="tags" data-testid="model-tags">
        @for (tag of m.tags; track tag) {
          <span class="tag" data-testid="model-tag" [attr.data-tag]="tag">
            {{ tag }}
            @if (canManage()) {
              <button type="button" class="untag" [attr.aria-label]="'Remove tag ' + tag" (click)="untag(tag)" data-testid="model-untag">×</button>
            }
          </span>
        } @empty {
          <span class="camel-muted">No tags.</span>
        }
        @if (canManage() && !m.archived) {
          <form class="tag-form" (submit)="$event.preventDefault(); tag()" aria-label="Add a tag">
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>Tag</mat-label>
              <input matInput [value]="newTag()" (input)="newTag.set(text($event)); tagError.set(null)" placeholder="production" data-testid="model-tag-input" />
            </mat-form-field>
            <button mat-stroked-button type="submit" [disabled]="!newTag().trim()" data-testid="model-tag-add">Add tag</button>
          </form>
          @if (tagError(); as e) { <p class="error" role="alert" data-testid="model-tag-error">{{ e }}</p> }
        }
      </div>

      <div class="columns">
        <section aria-label="Architecture">
          <h3>Architecture</h3>
          <dl data-testid="model-architecture">
            <dt>Family</dt><dd>{{ m.architecture.family }}</dd>
            <dt>Parameters</dt><dd>{{ m.architecture.parameters | number }}</dd>
            <dt>Hidden size</dt><dd>{{ m.architecture.hiddenSize }}</dd>
            <dt>Layers</dt><dd>{{ m.architecture.layers }}</dd>
            <dt>Heads</dt><dd>{{ m.architecture.heads }} ({{ m.architecture.kvHeads }} key/value)</dd>
            <dt>Vocabulary</dt><dd>{{ m.architecture.vocabSize | number }}</dd>
            <dt>Context</dt><dd>{{ m.architecture.contextLength | number }} tokens</dd>
          </dl>
        </section>
        <section aria-label="Lineage">
          <h3>Lineage</h3>
          <ol class="lineage" data-testid="model-lineage">
            @if (m.lineage.datasetId) {
              <li>Dataset <a [routerLink]="['/datasets', projectId()]" data-testid="lineage-dataset">version {{ m.lineage.datasetVersion }}</a></li>
            }
            @if (m.lineage.trainingRunId; as runId) {
              <li>
                Training run <a [routerLink]="['/training', projectId(), runId]" data-testid="lineage-training-run">{{ runId.slice(0, 8) }}</a>
                ({{ m.lineage.method?.toUpperCase() }}{{ m.lineage.lora ? ', LoRA rank ' + m.lineage.lora.rank : '' }})
              </li>
            }
            @if (m.lineage.baseModelId; as base) {
              <li>Base model <a [routerLink]="['/models', projectId(), base]" data-testid="lineage-base-model">{{ base }}</a></li>
            }
            <li><strong>{{ m.name }}</strong></li>
            <li>
              Used by
              @if (d.usedBy.length === 0) {
                <span class="camel-muted">no workflow run yet</span>
              }
              <ul>
                @for (use of d.usedBy; track use.runId + use.agent) {
                  <li data-testid="model-used-by"><a [routerLink]="['/runs', projectId(), use.runId]">{{ use.workflow }}</a> · agent {{ use.agent }} · <time [attr.datetime]="use.startedAt">{{ use.startedAt | date: 'short' }}</time></li>
                }
              </ul>
            </li>
          </ol>
        </section>
      </div>

      @if ((m.metrics | keyvalue).length > 0) {
        <h3>Metrics</h3>
        <table class="camel-grid" data-testid="model-metrics">
          <caption class="camel-visually-hidden">Metrics</caption>
          <tbody>
            @for (entry of m.metrics | keyvalue; track entry.key) {
              <tr><th scope="row">{{ entry.key }}</th><td>{{ tick(entry.value) }}</td></tr>
            }
          </tbody>
        </table>
      }
      @if (d.history.length > 0) {
        <div class="charts">
          @for (chart of charts(); track chart.name) {
            <camel-line-chart [name]="chart.name" [title]="chart.title" [series]="chart.series" />
          }
        </div>
      }

      <h3>Model card</h3>
      <camel-markdown-lite class="card-text" data-testid="model-card" [text]="d.card" emptyText="No model card." />

      @if (!m.archived) {
        <camel-model-playground class="playground" [projectId]="projectId()" [modelName]="m.name" />
      }
    } @else if (failed()) {
      <p class="load-error" role="alert">The model could not be read.</p>
    } @else {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the model" />
    }
  `,
  styles: `
    h2 {
      margin: 0;
    }
    .tags {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 8px 0 16px;
    }
    .tag {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 0 8px;
      border-radius: 999px;
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      font: var(--mat-sys-label-large);
    }
    .untag {
      border: 0;
      background: none;
      cursor: pointer;
      font: inherit;
      color: inherit;
      padding: 0 2px;
    }
    .tag-form {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .error {
      color: var(--camel-danger);
    }
    .columns {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 16px;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 12px;
      margin: 0;
    }
    dt {
      color: var(--camel-muted);
    }
    dd {
      margin: 0;
    }
    .lineage {
      margin: 0;
      padding-left: 20px;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
      gap: 16px;
      margin: 16px 0;
    }
    .card-text {
      display: block;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 4px 16px;
    }
    .playground {
      display: block;
      margin-top: 16px;
    }
  `,
})
export class ModelDetailComponent {
  private readonly models = inject(ModelsApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);

  readonly projectId = input.required<string>();
  readonly modelId = input.required<string>();
  /** Changes when a live event concerns the registry: the detail is read again. */
  readonly version = input<number>(0);
  readonly archived = output<string>();

  protected readonly detail = signal<ModelDetail | null>(null);
  protected readonly failed = signal(false);
  protected readonly newTag = signal('');
  protected readonly tagError = signal<string | null>(null);
  protected readonly tick = formatTick;
  protected readonly canManage = computed(() => this.auth.canIn(permissions.manageModel, this.projectId()));
  protected readonly charts = computed(() => {
    const detail = this.detail();
    return detail ? historyCharts(detail.history, detail.model.lineage.method === 'dpo') : [];
  });
  private reads = 0;

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const modelId = this.modelId();
      this.version();
      untracked(() => void this.read(projectId, modelId));
    });
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async tag(): Promise<void> {
    const tag = this.newTag().trim();
    if (!MODEL_TAG.test(tag)) {
      this.tagError.set('Lower-case letters, digits, ".", "_" or "-" (up to 32).');
      return;
    }
    try {
      await this.models.tag(this.projectId(), this.modelId(), tag);
      this.newTag.set('');
      await this.read(this.projectId(), this.modelId());
    } catch (error) {
      if (error instanceof ApiError) this.tagError.set(error.body.fields?.find((f) => f.field === 'tag')?.message ?? error.displayMessage);
    }
  }

  protected async untag(tag: string): Promise<void> {
    try {
      await this.models.untag(this.projectId(), this.modelId(), tag);
      await this.read(this.projectId(), this.modelId());
    } catch {
      // Toasted.
    }
  }

  protected async archive(): Promise<void> {
    const name = this.detail()?.model.name ?? '';
    const confirmed = await confirmAction(this.dialog, {
      title: `Archive ${name}?`,
      message: `Its tags are removed and its name becomes free for another model. Agents that name it stop finding it; it stays readable here with "Archived too".`,
      confirm: 'Archive',
    });
    if (!confirmed) return;
    try {
      await this.models.archive(this.projectId(), this.modelId());
      this.archived.emit(this.modelId());
      await this.read(this.projectId(), this.modelId());
    } catch {
      // Toasted.
    }
  }

  private async read(projectId: string, modelId: string): Promise<void> {
    const read = ++this.reads;
    this.failed.set(false);
    try {
      const detail = await this.models.getModel(projectId, modelId);
      if (read === this.reads) this.detail.set(detail);
    } catch {
      if (read === this.reads) this.failed.set(true);
    }
  }
}
