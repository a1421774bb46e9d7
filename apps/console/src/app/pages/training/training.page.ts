import { DatePipe, DecimalPipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { Router, RouterLink } from '@angular/router';
import {
  DPO_LOSS_TYPES,
  LORA_TARGETS,
  TRAINING_METHODS,
  permissions,
  type DatasetSummary,
  type DatasetVersionView,
  type LoraSettings,
  type ModelView,
  type TrainingHyperparameters,
  type TrainingPreset,
} from '@camel/contracts';
import { ApiError, applyPreset, emptyLaunchForm, fieldMessage, formatEta, launchProblems, launchRequest, trainingRunListSource, type LaunchForm } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';
import { actorLabel } from '../../shared/actor-label';
import { openFirstProject } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { RunStatusComponent } from '../../shared/run-status.component';
import { DatasetsApiService } from '../datasets/datasets-api.service';
import { ModelsApiService } from '../models/models-api.service';
import { TrainingApiService } from './training-api.service';

type NumericHyperparameter = { [K in keyof TrainingHyperparameters]: TrainingHyperparameters[K] extends number ? K : never }[keyof TrainingHyperparameters];

/** A number input of the launch form: its hyperparameter, label, bounds (as the api checks them) and test id. */
interface NumberField {
  readonly key: NumericHyperparameter;
  readonly label: string;
  readonly testId: string;
  readonly min?: number;
  readonly max?: number;
  /** 'any' for rates and weights; whole numbers otherwise. */
  readonly step?: 'any';
  readonly hint?: string;
  readonly suffix?: string;
}

const COMMON_FIELDS: readonly NumberField[] = [
  { key: 'epochs', label: 'Epochs', testId: 'training-epochs', min: 1, max: 100 },
  { key: 'batchSize', label: 'Batch size', testId: 'training-batch-size', min: 1, max: 256 },
  { key: 'microBatch', label: 'Micro-batch', testId: 'training-micro-batch', min: 0, max: 256, hint: 'Pairs per pass (gradient accumulation); 0 = the whole batch' },
  { key: 'learningRate', label: 'Learning rate', testId: 'training-learning-rate', min: 0, max: 1, step: 'any' },
  { key: 'maxLength', label: 'Max length', testId: 'training-max-length', min: 8, max: 4096, suffix: 'tokens' },
  { key: 'checkpointEvery', label: 'Checkpoint every', testId: 'training-checkpoint-every', min: 1, suffix: 'steps' },
  { key: 'warmupSteps', label: 'Warm-up steps', testId: 'training-warmup', min: 0 },
  { key: 'weightDecay', label: 'Weight decay', testId: 'training-weight-decay', min: 0, max: 1, step: 'any' },
];
const BETA_FIELD: NumberField = { key: 'beta', label: 'β (beta)', testId: 'training-beta', min: 0, max: 100, step: 'any' };
const DPO_FIELDS: readonly NumberField[] = [
  { key: 'labelSmoothing', label: 'Label smoothing', testId: 'training-label-smoothing', min: 0, max: 0.49, step: 'any' },
  { key: 'rpoAlpha', label: 'SFT term weight', testId: 'training-rpo-alpha', min: 0, max: 100, step: 'any', hint: "TRL's rpo_alpha; 0 = none" },
];

/**
 * Training runs of a project, live (status, progress, queue position), and the launch form: dataset
 * and version, base model from the registry, method, LoRA, a preset filling the hyperparameters.
 * Problems show per field, checked here first and again from the api's 400 `fields`.
 */
@Component({
  selector: 'camel-training-page',
  imports: [
    DatePipe,
    DecimalPipe,
    NgTemplateOutlet,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    ProjectPickerComponent,
    RunStatusComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './training.page.html',
  styleUrls: ['../../shared/project-page.scss', './training.page.scss'],
})
export class TrainingPage {
  private readonly api = inject(ApiService);
  private readonly training = inject(TrainingApiService);
  private readonly datasets = inject(DatasetsApiService);
  private readonly models = inject(ModelsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);
  protected readonly store = injectLiveList((projectId: string) => trainingRunListSource(projectId, () => this.training.listRuns(projectId)), { clearOnLoad: true });

  readonly projectId = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readTraining = permissions.readTraining;
  protected readonly methods = TRAINING_METHODS;
  protected readonly lossTypes = DPO_LOSS_TYPES;
  protected readonly loraTargets = LORA_TARGETS;
  protected readonly eta = formatEta;
  protected readonly commonFields = COMMON_FIELDS;
  protected readonly betaField = BETA_FIELD;
  protected readonly dpoFields = DPO_FIELDS;
  protected readonly noProject = signal(false);
  protected readonly launching = signal(false);
  protected readonly busy = signal(false);
  /** Client-side problems show once the user tried to launch. */
  protected readonly tried = signal(false);
  protected readonly serverFields = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly form = signal<LaunchForm>(emptyLaunchForm());
  protected readonly presets = signal<readonly TrainingPreset[]>([]);
  protected readonly datasetList = signal<readonly DatasetSummary[]>([]);
  protected readonly versions = signal<readonly DatasetVersionView[]>([]);
  protected readonly baseModels = signal<readonly ModelView[]>([]);
  protected readonly canLaunch = computed(() => !!this.projectId() && this.auth.canIn(permissions.startTraining, this.projectId() ?? ''));
  protected readonly problems = computed(() => launchProblems(this.form()));
  protected readonly preset = computed(() => this.presets().find((p) => p.id === this.form().presetId) ?? null);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        if (!projectId) {
          void this.openFirstProject();
          return;
        }
        this.launching.set(false);
        void this.store.load(projectId);
      });
    });
  }

  /** A field's message: the api's answer first, then (after a first try) the form's own check. */
  protected error(field: string): string | null {
    return fieldMessage(this.serverFields(), field) ?? (this.tried() ? fieldMessage(this.problems(), field) : null);
  }

  protected async openLaunch(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId) return;
    this.launching.set(true);
    this.tried.set(false);
    this.serverFields.set(new Map());
    const [presets, datasets, models] = await Promise.allSettled([
      this.training.presets(),
      this.auth.canIn(permissions.readDataset, projectId) ? this.datasets.listDatasets(projectId) : Promise.resolve({ datasets: [], position: 0 }),
      this.models.listModels(projectId),
    ]);
    if (presets.status === 'fulfilled') this.presets.set(presets.value.presets);
    if (datasets.status === 'fulfilled') this.datasetList.set(datasets.value.datasets);
    if (models.status === 'fulfilled') {
      this.baseModels.set(models.value.models);
      const form = this.form();
      if (!form.baseModel && models.value.models[0]) this.patch({ baseModel: models.value.models[0].id });
    }
  }

  protected patch(change: Partial<LaunchForm>): void {
    this.form.update((form) => ({ ...form, ...change }));
    const touched = Object.keys(change);
    this.serverFields.update((fields) => new Map([...fields].filter(([field]) => !touched.some((key) => field === key || field.startsWith(`${key}.`)))));
  }

  protected hyper<K extends keyof TrainingHyperparameters>(key: K, value: TrainingHyperparameters[K]): void {
    this.form.update((form) => ({ ...form, hyperparameters: { ...form.hyperparameters, [key]: value }, presetId: null }));
    this.serverFields.update((fields) => new Map([...fields].filter(([field]) => field !== `hyperparameters.${key}`)));
  }

  protected lora<K extends keyof LoraSettings>(key: K, value: LoraSettings[K]): void {
    this.form.update((form) => ({ ...form, lora: { ...form.lora, [key]: value } }));
    this.serverFields.update((fields) => new Map([...fields].filter(([field]) => !field.startsWith('lora'))));
  }

  protected toggleTarget(target: LoraSettings['targets'][number], on: boolean): void {
    const targets = this.form().lora.targets.filter((t) => t !== target);
    this.lora('targets', on ? [...targets, target] : targets);
  }

  protected numberOf(field: NumberField): number {
    return this.form().hyperparameters[field.key];
  }

  protected setNumber(field: NumberField, event: Event): void {
    this.hyper(field.key, this.number(event));
  }

  protected pickPreset(id: string): void {
    const preset = this.presets().find((p) => p.id === id);
    if (preset) this.form.update((form) => applyPreset(form, preset));
  }

  protected async pickDataset(datasetId: string): Promise<void> {
    const projectId = this.projectId();
    const latest = this.datasetList().find((d) => d.datasetId === datasetId)?.latest;
    this.patch({ datasetId, datasetVersion: latest?.version ?? 0 });
    this.versions.set(latest ? [latest] : []);
    if (!projectId || !datasetId) return;
    try {
      const detail = await this.datasets.getDataset(projectId, datasetId);
      if (this.form().datasetId === datasetId) this.versions.set([...detail.versions].reverse());
    } catch {
      // Toasted; the latest version stays pickable.
    }
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  /** NaN when empty or not a number: the check names the field. */
  protected number(event: Event): number {
    return (event.target as HTMLInputElement).valueAsNumber;
  }

  protected async launch(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.busy()) return;
    this.tried.set(true);
    if (this.problems().size > 0) return;
    this.busy.set(true);
    this.serverFields.set(new Map());
    try {
      const accepted = await this.training.launch(projectId, launchRequest(this.form()));
      this.toast.info(`Training run for ${this.form().modelName.trim()} queued.`);
      this.launching.set(false);
      this.form.set({ ...emptyLaunchForm(), baseModel: this.form().baseModel });
      void this.router.navigate(['/training', projectId, accepted.id]);
    } catch (error) {
      if (error instanceof ApiError && error.body.fields?.length) this.serverFields.set(new Map(error.body.fields.map((f) => [f.field, f.message])));
    } finally {
      this.busy.set(false);
    }
  }

  protected by(actor: string): string {
    return actorLabel(actor, this.auth.me()?.actor);
  }

  protected percent(step: number, total: number): number {
    return total > 0 ? Math.min(100, (step / total) * 100) : 0;
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/training', projectId]);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId);
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    if (!(await openFirstProject(this.api, this.auth, this.router, permissions.readTraining, 'training'))) this.noProject.set(true);
  }
}
