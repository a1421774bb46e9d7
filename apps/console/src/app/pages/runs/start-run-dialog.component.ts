import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RUN_TEXT_MAX_LENGTH, type RunPreflight, type StartRunRequest } from '@camel/contracts';
import {
  buildStartRunRequest,
  loadWorkflowChoiceTools,
  type AgentOverrideForm,
  type ConfigChoices,
  type WorkflowChoice,
} from '@camel/console-data-access';
import { firstValueFrom } from 'rxjs';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';
import { RunsApiService } from './runs-api.service';
import { errorMessage } from '../../core/toast.service';

export interface StartRunDialogData {
  readonly projectId: string;
  /** Preselected workflow (e.g. the one of the run being looked at). */
  readonly workflow?: string;
}

const PREFLIGHT_DEBOUNCE_MS = 300;

/** '' → null; anything else as a number (the api says when it is out of range). */
const numberOrNull = (text: string): number | null => (text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text));

/**
 * Start a run: a workflow of the project's latest config set, its task (prefilled from the
 * workflow's task_prompt; an edit becomes `overrides.task`), limits, per-agent model and
 * temperature or a person in the seat, and the critic. Every change asks the preflight what is
 * missing (a provider's key, an unknown model…): Start stays disabled until nothing is.
 */
@Component({
  selector: 'camel-start-run-dialog',
  imports: [MatDialogModule, MatButtonModule, MatCheckboxModule, MatExpansionModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'start-run-dialog' },
  templateUrl: './start-run-dialog.component.html',
  styles: `
    .full {
      width: 100%;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
    }
    .row mat-form-field {
      flex: 1 1 140px;
    }
    .agent {
      border-top: 1px solid var(--mat-sys-outline-variant);
      padding-top: 8px;
      margin-top: 8px;
    }
    .problems {
      color: var(--camel-danger);
      background: var(--camel-danger-soft);
      padding: 8px 12px;
      border-radius: 8px;
      margin: 8px 0 0;
    }
    .problems ul {
      margin: 0;
      padding-left: 20px;
    }
    .clear {
      color: var(--camel-ok);
    }
  `,
})
export class StartRunDialogComponent {
  private readonly api = inject(ApiService);
  private readonly runsApi = inject(RunsApiService);
  private readonly ref = inject<MatDialogRef<StartRunDialogComponent, string>>(MatDialogRef);
  protected readonly data = inject<StartRunDialogData>(MAT_DIALOG_DATA);

  protected readonly taskMax = RUN_TEXT_MAX_LENGTH;
  protected readonly loading = signal(true);
  protected readonly loadError = signal('');
  protected readonly configVersion = signal(0);
  protected readonly choices = signal<ConfigChoices>({ workflows: [], agents: {}, providers: [] });
  protected readonly workflowName = signal('');
  protected readonly task = signal('');
  protected readonly maxTurns = signal('');
  protected readonly maxIterations = signal('');
  protected readonly maxTotalTokens = signal('');
  protected readonly agents = signal<Readonly<Record<string, AgentOverrideForm>>>({});
  protected readonly criticHuman = signal(false);
  protected readonly criticCandidates = signal('');
  protected readonly criticTimeout = signal('');
  protected readonly preflight = signal<RunPreflight | null>(null);
  protected readonly checking = signal(false);
  protected readonly refused = signal<{ message: string; fields: Record<string, string> } | null>(null);
  protected readonly starting = signal(false);

  protected readonly workflow = computed<WorkflowChoice | undefined>(() => this.choices().workflows.find((w) => w.name === this.workflowName()));
  protected readonly request = computed<StartRunRequest | null>(() => {
    const workflow = this.workflow();
    if (!workflow) return null;
    return buildStartRunRequest({
      workflow: workflow.name,
      configVersion: this.configVersion(),
      task: this.task(),
      configuredTask: workflow.taskPrompt,
      maxTurns: workflow.type === 'role_playing' ? numberOrNull(this.maxTurns()) : null,
      maxIterations: workflow.type === 'pipeline' ? numberOrNull(this.maxIterations()) : null,
      maxTotalTokens: numberOrNull(this.maxTotalTokens()),
      agents: Object.fromEntries(Object.entries(this.agents()).filter(([name]) => workflow.seats.includes(name))),
      critic: workflow.critic
        ? { human: this.criticHuman(), candidates: numberOrNull(this.criticCandidates()), inputTimeoutSeconds: numberOrNull(this.criticTimeout()) }
        : undefined,
    });
  });
  protected readonly canStart = computed(
    () => !!this.request() && !this.checking() && !this.starting() && this.preflight()?.ok === true && !this.refused(),
  );

  constructor() {
    void this.loadChoices();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    inject(DestroyRef).onDestroy(() => clearTimeout(timer));
    effect(() => {
      const request = this.request();
      untracked(() => {
        clearTimeout(timer);
        this.refused.set(null);
        if (!request) return this.preflight.set(null);
        this.checking.set(true);
        const ticket = ++asked;
        timer = setTimeout(() => {
          this.runsApi.preflightRun(this.data.projectId, request).then(
            (answer) => ticket === asked && (this.preflight.set(answer), this.checking.set(false)),
            (error: unknown) => {
              if (ticket !== asked) return;
              this.preflight.set(null);
              this.refused.set({ message: errorMessage(error), fields: fieldErrors(error) });
              this.checking.set(false);
            },
          );
        }, PREFLIGHT_DEBOUNCE_MS);
      });
    });
  }

  protected pick(name: string): void {
    const workflow = this.choices().workflows.find((w) => w.name === name);
    this.workflowName.set(name);
    this.task.set(workflow?.taskPrompt ?? '');
    this.maxTurns.set(workflow?.maxTurns?.toString() ?? '');
    this.maxIterations.set(workflow?.maxIterations?.toString() ?? '');
    this.agents.set({});
    this.criticHuman.set(false);
    this.criticCandidates.set('');
    this.criticTimeout.set('');
  }

  protected agentLine(name: string): AgentOverrideForm {
    return this.agents()[name] ?? {};
  }

  protected setAgent(name: string, patch: Partial<{ model: string; temperature: string; human: boolean; timeout: string }>): void {
    const current = this.agentLine(name);
    this.agents.update((all) => ({
      ...all,
      [name]: {
        ...current,
        ...(patch.model !== undefined ? { model: patch.model } : {}),
        ...(patch.temperature !== undefined ? { temperature: numberOrNull(patch.temperature) } : {}),
        ...(patch.human !== undefined ? { human: patch.human } : {}),
        ...(patch.timeout !== undefined ? { inputTimeoutSeconds: numberOrNull(patch.timeout) } : {}),
      },
    }));
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async start(): Promise<void> {
    const request = this.request();
    if (!request || !this.canStart()) return;
    this.starting.set(true);
    try {
      const accepted = await this.runsApi.startRun(this.data.projectId, request);
      this.ref.close(accepted.id);
    } catch (error) {
      this.refused.set({ message: errorMessage(error), fields: fieldErrors(error) });
    } finally {
      this.starting.set(false);
    }
  }

  private async loadChoices(): Promise<void> {
    try {
      const [config, tools] = await Promise.all([this.api.getConfig(this.data.projectId), loadWorkflowChoiceTools()]);
      const choices = tools.readConfigChoices(config.files);
      this.configVersion.set(config.version);
      this.choices.set(choices);
      const first = choices.workflows.find((w) => w.name === this.data.workflow) ?? choices.workflows[0];
      if (first) this.pick(first.name);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}

/** Opens the dialog; resolves to the started run's id, or undefined when closed without starting. */
export function openStartRunDialog(dialog: MatDialog, data: StartRunDialogData): Promise<string | undefined> {
  const ref = dialog.open<StartRunDialogComponent, StartRunDialogData, string>(StartRunDialogComponent, { data, width: '720px', maxWidth: '95vw', autoFocus: 'first-tabbable' });
  return firstValueFrom(ref.afterClosed());
}
