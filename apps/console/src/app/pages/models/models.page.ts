import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { Router } from '@angular/router';
import { MODEL_NAME, permissions, type ModelComparison } from '@camel/contracts';
import { ApiError, fieldMessage, formatTick, modelListSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';
import { openFirstProject } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { ModelDetailComponent } from './model-detail.component';
import { ModelsApiService } from './models-api.service';

/** Models compared at once (the api's limit). */
const COMPARE_MAX = 8;

/**
 * The model registry of a project, live: built-ins and the project's models (trained or imported)
 * with their tags; archived ones on request. A model opens with its detail (lineage, card, metrics,
 * playground); two or more ticked compare their metrics; `model:manage` imports a folder.
 */
@Component({
  selector: 'camel-models-page',
  imports: [DecimalPipe, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatSlideToggleModule, ProjectPickerComponent, ModelDetailComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './models.page.html',
  styleUrls: ['../../shared/project-page.scss', './models.page.scss'],
})
export class ModelsPage {
  private readonly api = inject(ApiService);
  private readonly models = inject(ModelsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);
  protected readonly store = injectLiveList(
    (projectId: string, includeArchived: boolean) => modelListSource(projectId, () => this.models.listModels(projectId, includeArchived)),
    { clearOnLoad: true },
  );

  readonly projectId = input<string>();
  readonly modelId = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readModel = permissions.readModel;
  protected readonly compareMax = COMPARE_MAX;
  protected readonly tick = formatTick;
  protected readonly noProject = signal(false);
  protected readonly showArchived = signal(false);
  protected readonly ticked = signal<ReadonlySet<string>>(new Set());
  protected readonly comparison = signal<ModelComparison | null>(null);
  protected readonly importing = signal(false);
  protected readonly busy = signal(false);
  protected readonly importForm = signal({ name: '', path: '', description: '' });
  protected readonly importFields = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly canManage = computed(() => !!this.projectId() && this.auth.canIn(permissions.manageModel, this.projectId() ?? ''));
  /** Bumped by every list change: the open detail reads itself again (a tag, a new run using it). */
  protected readonly listVersion = computed(() => this.store.position());

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const archived = this.showArchived();
      untracked(() => {
        if (!projectId) {
          void this.openFirstProject();
          return;
        }
        void this.store.load(projectId, archived);
      });
    });
    // Another project: nothing ticked, nothing compared.
    effect(() => {
      this.projectId();
      untracked(() => this.clearCompare());
    });
  }

  protected select(modelId: string): void {
    void this.router.navigate(['/models', this.projectId(), modelId]);
  }

  protected toggleCompare(modelId: string, on: boolean): void {
    const next = new Set(this.ticked());
    if (on && next.size < COMPARE_MAX) next.add(modelId);
    else next.delete(modelId);
    this.ticked.set(next);
  }

  protected clearCompare(): void {
    this.ticked.set(new Set());
    this.comparison.set(null);
  }

  protected async compare(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.ticked().size < 2) return;
    try {
      this.comparison.set(await this.models.compare(projectId, [...this.ticked()]));
    } catch {
      // Toasted.
    }
  }

  protected metricOf(comparison: ModelComparison, modelId: string, metric: string): string {
    const value = comparison.models.find((m) => m.id === modelId)?.metrics[metric];
    return value === undefined ? '—' : formatTick(value);
  }

  /** The best value of a metric among the compared models: lowest for losses, highest otherwise. */
  protected best(comparison: ModelComparison, metric: string): number | null {
    const values = comparison.models.map((m) => m.metrics[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length < 2) return null;
    return /loss|logps\/rejected|rewards\/rejected/.test(metric) ? Math.min(...values) : Math.max(...values);
  }

  protected setImport(key: 'name' | 'path' | 'description', value: string): void {
    this.importForm.update((form) => ({ ...form, [key]: value }));
    this.importFields.update((fields) => new Map([...fields].filter(([field]) => field !== key)));
  }

  protected importError(field: string): string | null {
    return fieldMessage(this.importFields(), field);
  }

  protected async import(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.busy()) return;
    const form = this.importForm();
    const local = new Map<string, string>();
    if (!MODEL_NAME.test(form.name.trim())) local.set('name', 'Lower-case letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit).');
    if (!form.path.trim()) local.set('path', 'The folder on the server (config.json, model.safetensors, tokenizer.json).');
    this.importFields.set(local);
    if (local.size > 0) return;
    this.busy.set(true);
    try {
      const accepted = await this.models.importModel(projectId, {
        name: form.name.trim(),
        path: form.path.trim(),
        ...(form.description.trim() ? { description: form.description.trim() } : {}),
      });
      this.toast.info(`${form.name.trim()} imported.`);
      this.importing.set(false);
      this.importForm.set({ name: '', path: '', description: '' });
      this.select(accepted.id);
    } catch (error) {
      if (error instanceof ApiError && error.body.fields?.length) this.importFields.set(new Map(error.body.fields.map((f) => [f.field, f.message])));
    } finally {
      this.busy.set(false);
    }
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/models', projectId]);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId, this.showArchived());
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    if (!(await openFirstProject(this.api, this.auth, this.router, permissions.readModel, 'models'))) this.noProject.set(true);
  }
}
