import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { AGENTS_FILE, CONFIG_MESSAGE_MAX_LENGTH, permissions, type ConfigDiff, type ConfigProblem } from '@camel/contracts';
import { AGENTS_TEMPLATE, agentNamesOf, problemsByFile, workflowPath, workflowTemplate } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { ToastService } from '../../core/toast.service';
import { confirmAction } from '../../shared/confirm-dialog.component';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { AgentModelFormComponent } from './agent-model-form.component';
import { ConfigDiffComponent } from './config-diff.component';
import { ConfigHistoryComponent, type VersionPair } from './config-history.component';
import { ConfigsStore } from './configs.store';
import { YamlEditorComponent, type CursorRequest } from './yaml-editor.component';

/** A file name from a project name: `My project` → `my-project`. */
const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'project';

/**
 * Configs: one project's agents.yaml and workflows/*.yaml in a YAML editor (CodeMirror 6) that shows
 * the api's validation as you type (inline and in the problems panel), a form for an agent's model
 * parameters, Save as a new version with a message, the live history with diffs and Restore, and
 * the set as one YAML bundle to export or import. Read-only for roles without config:write.
 */
@Component({
  selector: 'camel-configs-page',
  imports: [
    FormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    ProjectPickerComponent,
    YamlEditorComponent,
    AgentModelFormComponent,
    ConfigDiffComponent,
    ConfigHistoryComponent,
  ],
  providers: [ConfigsStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(window:beforeunload)': 'onBeforeUnload($event)' },
  templateUrl: './configs.page.html',
  styleUrls: ['../../shared/project-page.scss', './configs.page.scss'],
})
export class ConfigsPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);
  protected readonly store = inject(ConfigsStore);

  /** Route parameter; absent on /configs (the first project is opened). */
  readonly projectId = input<string>();

  protected readonly readConfig = permissions.readConfig;
  protected readonly agentsFile = AGENTS_FILE;
  protected readonly messageMax = CONFIG_MESSAGE_MAX_LENGTH;
  protected readonly noProject = signal(false);
  protected readonly selected = signal<string | null>(null);
  protected readonly view = signal<'yaml' | 'form'>('yaml');
  protected readonly message = signal('');
  protected readonly newWorkflow = signal('');
  protected readonly addError = signal('');
  protected readonly cursor = signal<CursorRequest | null>(null);
  protected readonly comparison = signal<ConfigDiff | null>(null);
  protected readonly comparing = signal(false);
  protected readonly exporting = signal(false);
  protected readonly importing = signal(false);
  protected readonly importProblems = signal<{ name: string; problems: readonly ConfigProblem[] } | null>(null);
  private readonly comparisonView = viewChild<ElementRef<HTMLElement>>('comparisonView');
  private readonly injector = inject(Injector);
  private cursorSeq = 0;

  /** The file in the editor: the one picked while it exists, else the first. */
  protected readonly selectedPath = computed(() => {
    const paths = this.store.paths();
    const picked = this.selected();
    return picked !== null && paths.includes(picked) ? picked : (paths[0] ?? null);
  });
  protected readonly showForm = computed(() => this.view() === 'form' && this.selectedPath() === AGENTS_FILE);
  protected readonly hasAgents = computed(() => AGENTS_FILE in this.store.files());
  protected readonly problemsByFile = computed(() => problemsByFile(this.store.problems()));
  protected readonly problemCount = computed(() => this.store.problems().length);
  protected readonly validationState = computed(() => (this.store.validating() ? 'checking' : this.problemCount() > 0 ? 'problems' : 'ok'));
  /** Why Save is disabled, when the reason is not plain to see. */
  protected readonly saveHint = computed(() => {
    if (!this.store.dirty() || this.store.saving()) return '';
    const problems = this.problemCount();
    if (problems > 0) return `Fix the ${problems === 1 ? 'problem' : `${problems} problems`} listed under Problems to save.`;
    if (!this.message().trim()) return 'Say what changed to save.';
    return '';
  });
  protected readonly removedPaths = computed(() => Object.keys(this.store.base().files).filter((path) => !(path in this.store.files())).sort());
  protected readonly actorLabel = (actor: string) => this.store.actorLabel(actor);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        this.selected.set(null);
        this.comparison.set(null);
        this.importProblems.set(null);
        this.message.set('');
        if (projectId) void this.store.load(projectId);
        else void this.openFirstProject();
      });
    });
  }

  /** Asked by the route before leaving: unsaved edits are lost only when the user says so. */
  async canLeave(): Promise<boolean> {
    // Signed out (here or elsewhere): the way to the sign-in page is never blocked.
    if (!this.store.dirty() || !this.auth.signedIn()) return true;
    return confirmAction(this.dialog, {
      title: 'Leave without saving?',
      message: `Your edits of ${[...this.store.changedPaths()].join(', ')} are not saved and will be lost.`,
      confirm: 'Leave',
    });
  }

  protected onBeforeUnload(event: BeforeUnloadEvent): void {
    if (this.store.dirty()) event.preventDefault();
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/configs', projectId]);
  }

  protected selectFile(path: string): void {
    this.selected.set(path);
  }

  /** A problem's place: its file in the YAML view, the cursor on its line and column. */
  protected goTo(problem: ConfigProblem): void {
    if (!(problem.file in this.store.files())) return;
    this.selected.set(problem.file);
    this.view.set('yaml');
    this.cursor.set({ path: problem.file, line: problem.line, column: problem.column, seq: ++this.cursorSeq });
  }

  protected addAgents(): void {
    this.store.setFile(AGENTS_FILE, AGENTS_TEMPLATE);
    this.selected.set(AGENTS_FILE);
  }

  protected addWorkflow(): void {
    const result = workflowPath(this.newWorkflow());
    if (!result.ok) return this.addError.set(result.message);
    if (result.path in this.store.files()) return this.addError.set(`${result.path} already exists.`);
    this.store.setFile(result.path, workflowTemplate(result.path, agentNamesOf(this.store.files()[AGENTS_FILE] ?? '')));
    this.selected.set(result.path);
    this.newWorkflow.set('');
    this.addError.set('');
  }

  protected async removeFile(path: string): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: `Remove ${path}?`,
      message: 'The file leaves the configuration when you save; earlier versions keep it.',
      confirm: 'Remove',
    });
    if (confirmed) this.store.removeFile(path);
  }

  protected async discard(): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: 'Discard your edits?',
      message: `The editor goes back to version ${this.store.base().version}.`,
      confirm: 'Discard',
    });
    if (confirmed) this.store.discardEdits();
  }

  protected async save(): Promise<void> {
    const message = this.message().trim();
    if (!message || !this.store.dirty()) return;
    if (await this.store.save(message)) {
      this.message.set('');
      this.toast.info(`Saved as version ${this.store.base().version}.`);
    }
  }

  protected async merge(): Promise<void> {
    const conflicts = await this.store.mergeLatest();
    this.toast.info(
      conflicts.length > 0
        ? `Merged onto version ${this.store.base().version}, with conflicts in ${conflicts.join(', ')}.`
        : `Your edits are now on top of version ${this.store.base().version}: check and save.`,
    );
  }

  protected async loadLatest(): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: `Load version ${this.store.latestVersion()}?`,
      message: 'Your unsaved edits will be lost.',
      confirm: 'Load',
    });
    if (confirmed) await this.store.loadLatest();
  }

  protected async compare({ from, to }: VersionPair): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.comparing()) return;
    this.comparing.set(true);
    try {
      this.comparison.set(await this.api.diffConfig(projectId, Math.max(from, 0), to));
      afterNextRender(() => this.comparisonView()?.nativeElement.scrollIntoView({ block: 'nearest' }), { injector: this.injector });
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.comparing.set(false);
    }
  }

  protected async restore(version: number): Promise<void> {
    const dirty = this.store.dirty();
    const confirmed = await confirmAction(this.dialog, {
      title: `Restore version ${version}?`,
      message: `Version ${version}'s files become version ${this.store.latestVersion() + 1}; nothing is lost from the history.${
        dirty ? ' Your unsaved edits stay in the editor, on top of the version they started from.' : ''
      }`,
      confirm: 'Restore',
    });
    if (!confirmed) return;
    if (await this.store.restore(version)) this.toast.info(`Version ${version} restored as version ${this.store.latestVersion()}.`);
  }

  protected async export(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId || this.exporting()) return;
    this.exporting.set(true);
    try {
      const bundle = await this.api.exportConfig(projectId);
      const name = `${slug(this.store.project()?.name ?? 'project')}-configs-v${this.store.latestVersion()}.yaml`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bundle], { type: 'application/yaml' }));
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.exporting.set(false);
    }
  }

  protected async importFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file || this.importing()) return;
    const confirmed = await confirmAction(this.dialog, {
      title: `Import ${file.name}?`,
      message: `Its files become version ${this.store.latestVersion() + 1} if every file is valid (otherwise nothing changes).${
        this.store.dirty() ? ' Your unsaved edits will be lost.' : ''
      }`,
      confirm: 'Import',
    });
    if (!confirmed) return;
    this.importing.set(true);
    this.importProblems.set(null);
    try {
      const result = await this.store.import(await file.text(), `import ${file.name}`);
      if (result.ok) this.toast.info(`${file.name} imported as version ${this.store.latestVersion()}.`);
      else if (result.problems.length > 0) this.importProblems.set({ name: file.name, problems: result.problems });
    } finally {
      this.importing.set(false);
    }
  }

  protected fileText(path: string): string {
    return this.store.files()[path] ?? '';
  }

  protected versionLabel(version: number): string {
    return version === 0 ? 'empty (0)' : `version ${version}`;
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    try {
      const { projects } = await this.api.listProjects('active');
      const first = projects.find((project) => this.auth.canIn(permissions.readConfig, project.id));
      if (first) await this.router.navigate(['/configs', first.id], { replaceUrl: true });
      else this.noProject.set(true);
    } catch {
      this.noProject.set(true);
    }
  }
}
