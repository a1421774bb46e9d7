import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { permissions } from '@camel/contracts';
import { loadAgentModelTools, type AgentModelParams, type AgentModelTools } from '@camel/console-data-access';
import { AuthService } from '../../core/auth.service';
import { ModelsApiService } from '../models/models-api.service';

/** '' → null; anything else as a number (NaN stays, so the api names the bad value). */
function numberOrNull(value: string | number | null): number | null {
  if (value === null || value === '') return null;
  return typeof value === 'number' ? value : Number(value);
}

const show = (value: number | null) => (value === null ? '' : String(value));

/**
 * One agent's model parameters (provider, name, temperature, top_p, max_tokens, stop) as a form that
 * writes into the agents.yaml text through the `yaml` Document API: comments and the rest of the
 * file stay as they are. The api validates ranges like any edit; its problems show as usual.
 */
@Component({
  selector: 'camel-agent-model-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'agent-model-form' },
  template: `
    @if (read(); as read) {
      @if (!read.ok) {
        <p class="error" role="alert" data-testid="agent-model-error">{{ read.message }}</p>
      } @else if (read.agents.length === 0) {
        <p class="camel-muted">agents.yaml has no agents yet: add one in the YAML view.</p>
      } @else {
        <form [formGroup]="form" (ngSubmit)="apply()" aria-label="Model parameters">
          <mat-form-field class="agent">
            <mat-label>Agent</mat-label>
            <select matNativeControl [value]="selected()" (change)="select($any($event.target).value)" data-testid="agent-model-agent">
              @for (agent of read.agents; track agent.index) {
                <option [value]="agent.index">{{ agent.name }}</option>
              }
            </select>
          </mat-form-field>
          <div class="fields">
            <mat-form-field>
              <mat-label>Provider</mat-label>
              <input matInput formControlName="provider" [attr.list]="'providers-' + uid" data-testid="agent-model-provider" />
              <datalist [id]="'providers-' + uid">
                @for (provider of read.providers; track provider) {
                  <option [value]="provider"></option>
                }
              </datalist>
            </mat-form-field>
            <mat-form-field>
              <mat-label>Model name</mat-label>
              <input matInput formControlName="name" [attr.list]="'local-models-' + uid" data-testid="agent-model-name" />
              <datalist [id]="'local-models-' + uid">
                @for (model of localModels(); track model) {
                  <option [value]="model">a registry model</option>
                }
              </datalist>
              @if (localModels().length > 0) {
                <mat-hint>With a provider of type <code>local</code>: a registry model</mat-hint>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>temperature</mat-label>
              <input matInput type="number" step="0.1" min="0" max="2" formControlName="temperature" data-testid="agent-model-temperature" />
              <mat-hint>0–2, empty = provider default</mat-hint>
            </mat-form-field>
            <mat-form-field>
              <mat-label>top_p</mat-label>
              <input matInput type="number" step="0.05" min="0" max="1" formControlName="top_p" data-testid="agent-model-top-p" />
              <mat-hint>0–1</mat-hint>
            </mat-form-field>
            <mat-form-field>
              <mat-label>max_tokens</mat-label>
              <input matInput type="number" step="1" min="1" formControlName="max_tokens" data-testid="agent-model-max-tokens" />
            </mat-form-field>
            <mat-form-field class="stop">
              <mat-label>stop</mat-label>
              <textarea matInput rows="2" formControlName="stop" data-testid="agent-model-stop"></textarea>
              <mat-hint>One sequence per line, up to 8</mat-hint>
            </mat-form-field>
          </div>
          @if (!readOnly()) {
            <div class="actions">
              <button mat-flat-button type="submit" data-testid="agent-model-apply">Apply to agents.yaml</button>
              <button mat-button type="button" (click)="reset()">Reset</button>
              <span class="camel-muted" role="status">{{ result() }}</span>
            </div>
          }
        </form>
      }
    } @else {
      <p class="camel-muted" role="status">Loading the form…</p>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .fields {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
      gap: 4px 12px;
    }
    .agent {
      min-width: 260px;
    }
    .stop {
      grid-column: 1 / -1;
    }
    .actions {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .error {
      color: var(--camel-danger);
    }
  `,
})
export class AgentModelFormComponent {
  private static nextId = 0;
  protected readonly uid = ++AgentModelFormComponent.nextId;

  /** The agents.yaml text being edited. */
  readonly text = input.required<string>();
  /** The project: its registry's models are offered as names (for a provider of type `local`). */
  readonly projectId = input<string>('');
  readonly readOnly = input(false);
  readonly textChange = output<string>();

  private readonly tools = signal<AgentModelTools | null>(null);
  /** null while the editor (and the yaml package) loads. */
  protected readonly read = computed(() => this.tools()?.readAgentModels(this.text()) ?? null);
  protected readonly localModels = signal<readonly string[]>([]);
  private readonly models = inject(ModelsApiService);
  private readonly auth = inject(AuthService);
  protected readonly selected = signal(0);
  protected readonly result = signal('');
  protected readonly form = inject(FormBuilder).nonNullable.group({
    provider: '',
    name: '',
    temperature: '',
    top_p: '',
    max_tokens: '',
    stop: '',
  });

  constructor() {
    loadAgentModelTools().then(
      (tools) => this.tools.set(tools),
      (error: unknown) => this.result.set(`The form could not be loaded (${String(error)}).`),
    );
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        this.localModels.set([]);
        if (!projectId || !this.auth.canIn(permissions.readModel, projectId)) return;
        this.models.listModels(projectId).then(
          (list) => this.projectId() === projectId && this.localModels.set(list.models.map((model) => model.name)),
          () => undefined,
        );
      });
    });
    // The form shows the selected agent as the text has it (again after every change of the text).
    effect(() => {
      const read = this.read();
      const index = this.selected();
      const readOnly = this.readOnly();
      untracked(() => {
        if (readOnly) this.form.disable({ emitEvent: false });
        else this.form.enable({ emitEvent: false });
        if (!read?.ok) return;
        const agent = read.agents[index] ?? read.agents[0];
        if (!agent) return;
        if (agent.index !== index) this.selected.set(agent.index);
        this.fill(agent.model);
      });
    });
  }

  protected select(value: string): void {
    this.selected.set(Number(value));
    this.result.set('');
  }

  protected reset(): void {
    const read = this.read();
    const agent = read?.ok ? read.agents[this.selected()] : undefined;
    if (agent) this.fill(agent.model);
    this.result.set('');
  }

  protected apply(): void {
    const tools = this.tools();
    if (this.readOnly() || !tools) return;
    const value = this.form.getRawValue();
    const stop = value.stop
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const params: AgentModelParams = {
      provider: value.provider.trim(),
      name: value.name.trim(),
      temperature: numberOrNull(value.temperature),
      top_p: numberOrNull(value.top_p),
      max_tokens: numberOrNull(value.max_tokens),
      stop: stop.length > 0 ? stop : null,
    };
    const edit = tools.setAgentModel(this.text(), this.selected(), params);
    if (!edit.ok) {
      this.result.set(edit.message);
      return;
    }
    if (edit.text === this.text()) {
      this.result.set('No change.');
      return;
    }
    this.textChange.emit(edit.text);
    this.result.set('Applied to agents.yaml (not saved yet).');
  }

  private fill(model: AgentModelParams): void {
    this.form.setValue(
      {
        provider: model.provider,
        name: model.name,
        temperature: show(model.temperature),
        top_p: show(model.top_p),
        max_tokens: show(model.max_tokens),
        stop: (model.stop ?? []).join('\n'),
      },
      { emitEvent: false },
    );
  }
}
