import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router } from '@angular/router';
import {
  DATASET_IMPORT_MAX_BYTES,
  DEFAULT_DATASET_SPLIT,
  TERMINATION_REASONS,
  permissions,
  type CreateDatasetSnapshotRequest,
  type DatasetImportProblem,
  type DatasetLogFilter,
  type QueueView,
  type TerminationReason,
} from '@camel/contracts';
import { ApiError, datasetListSource, importProblemsOf } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';
import { openFirstProject } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { AnnotationsApiService } from '../annotate/annotations-api.service';
import { DatasetDetailComponent } from './dataset-detail.component';
import { DatasetsApiService } from './datasets-api.service';

interface SnapshotForm {
  name: string;
  description: string;
  kind: 'filter' | 'queue';
  queueId: string;
  workflow: string;
  runId: string;
  agent: string;
  model: string;
  /** Full text over the annotated entries (the explorer's words, "phrases", or, -word). */
  q: string;
  /** How the run ended ('' = any). */
  reason: TerminationReason | '';
  testPercent: number;
  seed: number;
}

const text = (value: string) => value.trim() || undefined;

export function snapshotRequest(form: SnapshotForm): CreateDatasetSnapshotRequest {
  const filter: DatasetLogFilter = {
    workflow: text(form.workflow),
    runId: text(form.runId),
    agent: text(form.agent),
    model: text(form.model),
    reason: form.reason || undefined,
    q: text(form.q),
  };
  return {
    name: form.name.trim(),
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    selection: form.kind === 'queue' ? { kind: 'queue', queueId: form.queueId } : { kind: 'filter', filter },
    split: { testRatio: form.testPercent / 100, seed: form.seed },
  };
}

/**
 * Datasets of a project, live: every snapshot and import shows as it is recorded. Engineers snapshot
 * the preference pairs of a queue or a logs filter into a new version (split seeded), or import a
 * preference JSONL file (a refused file lists its problems by line and field). A dataset opens with
 * its versions, a preview and the downloads (JSONL standard / conversational, CSV).
 */
@Component({
  selector: 'camel-datasets-page',
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatSelectModule, ProjectPickerComponent, DatasetDetailComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './datasets.page.html',
  styleUrls: ['../../shared/project-page.scss', './datasets.page.scss'],
})
export class DatasetsPage {
  private readonly api = inject(ApiService);
  private readonly datasets = inject(DatasetsApiService);
  private readonly annotations = inject(AnnotationsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);
  protected readonly store = injectLiveList((projectId: string) => datasetListSource(projectId, () => this.datasets.listDatasets(projectId)), { clearOnLoad: true });

  readonly projectId = input<string>();
  /** Query parameter (from the Queues page): snapshot this queue. */
  readonly queue = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readDataset = permissions.readDataset;
  protected readonly importMax = DATASET_IMPORT_MAX_BYTES;
  protected readonly reasons = TERMINATION_REASONS;
  protected readonly noProject = signal(false);
  protected readonly mode = signal<'none' | 'snapshot' | 'import'>('none');
  protected readonly openDataset = signal<string | null>(null);
  protected readonly queues = signal<readonly QueueView[]>([]);
  protected readonly busy = signal(false);
  protected readonly fieldErrors = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly form = signal<SnapshotForm>({
    name: '',
    description: '',
    kind: 'filter',
    queueId: '',
    workflow: '',
    runId: '',
    agent: '',
    model: '',
    q: '',
    reason: '',
    testPercent: DEFAULT_DATASET_SPLIT.testRatio * 100,
    seed: DEFAULT_DATASET_SPLIT.seed,
  });
  protected readonly importName = signal('');
  protected readonly importFile = signal<File | null>(null);
  protected readonly importProblems = signal<readonly DatasetImportProblem[]>([]);
  protected readonly importError = signal<string | null>(null);
  protected readonly canCreate = computed(() => !!this.projectId() && this.auth.canIn(permissions.createDataset, this.projectId() ?? ''));
  protected readonly latestOf = computed(() => new Map(this.store.items().map((d) => [d.datasetId, d.latest.version])));
  protected readonly fieldError = (field: string) => {
    const errors = this.fieldErrors();
    return errors.get(field) ?? [...errors].find(([key]) => key.startsWith(`${field}.`))?.[1] ?? null;
  };

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const queue = this.queue();
      untracked(() => {
        if (!projectId) {
          void this.openFirstProject();
          return;
        }
        this.openDataset.set(null);
        void this.store.load(projectId);
        if (queue) {
          this.form.update((form) => ({ ...form, kind: 'queue', queueId: queue }));
          this.mode.set('snapshot');
        }
        if (this.auth.canIn(permissions.readAnnotation, projectId))
          this.annotations.listQueues(projectId).then(
            (list) => this.queues.set(list.queues),
            () => undefined,
          );
      });
    });
  }

  protected set<K extends keyof SnapshotForm>(key: K, value: SnapshotForm[K]): void {
    this.form.update((form) => ({ ...form, [key]: value }));
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected number(event: Event): number {
    return Number((event.target as HTMLInputElement).value);
  }

  protected async snapshot(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.busy()) return;
    this.busy.set(true);
    this.fieldErrors.set(new Map());
    try {
      const accepted = await this.datasets.snapshot(projectId, snapshotRequest(this.form()));
      this.toast.info(`Version ${accepted.datasetVersion} of ${this.form().name.trim()} recorded.`);
      this.mode.set('none');
      this.openDataset.set(accepted.id);
    } catch (error) {
      if (error instanceof ApiError && error.body.fields?.length) this.fieldErrors.set(new Map(error.body.fields.map((f) => [f.field, f.message])));
    } finally {
      this.busy.set(false);
    }
  }

  protected pickFile(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.importFile.set(file);
    this.importProblems.set([]);
    this.importError.set(null);
    if (file && !this.importName().trim()) this.importName.set(file.name.replace(/\.jsonl?$/i, ''));
  }

  protected async import(): Promise<void> {
    const projectId = this.projectId();
    const file = this.importFile();
    if (!projectId || !file || this.busy()) return;
    if (file.size > DATASET_IMPORT_MAX_BYTES) {
      this.importError.set(`The file is larger than ${Math.round(DATASET_IMPORT_MAX_BYTES / 1024 / 1024)} MB.`);
      return;
    }
    this.busy.set(true);
    this.importProblems.set([]);
    this.importError.set(null);
    try {
      const accepted = await this.datasets.importJsonl(projectId, this.importName().trim(), await file.text());
      this.toast.info(`Imported as version ${accepted.datasetVersion} of ${this.importName().trim()}.`);
      this.mode.set('none');
      this.importFile.set(null);
      this.openDataset.set(accepted.id);
    } catch (error) {
      const problems = importProblemsOf(error);
      this.importProblems.set(problems);
      if (problems.length === 0) this.importError.set(error instanceof ApiError ? error.displayMessage : String(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/datasets', projectId]);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId);
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    if (!(await openFirstProject(this.api, this.auth, this.router, permissions.readDataset, 'datasets'))) this.noProject.set(true);
  }
}
