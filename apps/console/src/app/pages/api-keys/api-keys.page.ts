import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { API_KEY_NAME_MAX_LENGTH, PROJECT_ROLES, permissions, type ApiKeyView, type ProjectRole } from '@camel/contracts';
import { apiKeyListSource, withApiKey } from '@camel/console-data-access';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';
import { injectLiveList } from '../../core/live-list';
import { confirmAction } from '../../shared/confirm-dialog.component';
import { DataTableComponent, RowActionsDirective } from '../../shared/data-table.component';
import { OneTimeSecretComponent } from '../../shared/one-time-secret.component';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { ROLE_HINTS } from '../../shared/roles';

interface CreatedKey {
  readonly name: string;
  readonly key: string;
}

/**
 * Projects → API keys: keys for programs (CI, scripts) acting in one project with one role, until
 * revoked or until an optional expiry day. A new key is shown once, with a copy button; revoking
 * stops it at once.
 */
@Component({
  selector: 'camel-api-keys-page',
  imports: [
    DatePipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    DataTableComponent,
    RowActionsDirective,
    OneTimeSecretComponent,
    ProjectPickerComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>API keys{{ picker()?.selectedName() ? ' of ' + picker()?.selectedName() : '' }}</h1>
      <div class="head-actions">
        <camel-project-picker
          [selected]="projectId()"
          [requires]="manageApiKeys"
          testId="api-keys-project-picker"
          (picked)="open($event)"
        />
        <a mat-button data-testid="api-keys-members-link" [routerLink]="['/projects', projectId(), 'members']">Members</a>
      </div>
    </div>

    @if (createdKey(); as created) {
      <camel-one-time-secret
        [title]="'API key “' + created.name + '”'"
        [value]="created.key"
        hint="Send it as “Authorization: Bearer <key>”. If it is lost, revoke it and create another."
        (dismissed)="createdKey.set(null)"
      />
    }

    <form class="camel-card" [formGroup]="form" (ngSubmit)="create()" aria-labelledby="create-key-heading" data-testid="create-api-key-form">
      <h2 id="create-key-heading">New API key</h2>
      <div class="fields">
        <mat-form-field class="grow">
          <mat-label>Name (what uses it)</mat-label>
          <input matInput formControlName="name" autocomplete="off" [maxlength]="nameMax" data-testid="create-api-key-name" />
          <mat-error data-testid="create-api-key-name-error">{{ errors()['name'] }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Role</mat-label>
          <mat-select formControlName="role" data-testid="create-api-key-role">
            @for (role of roles; track role) {
              <mat-option [value]="role" [attr.data-testid]="'role-option-' + role">{{ role }}</mat-option>
            }
          </mat-select>
          <mat-hint>{{ roleHints[form.controls.role.value] }}</mat-hint>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Expires on (optional)</mat-label>
          <input matInput type="date" formControlName="expiresOn" [min]="tomorrow()" data-testid="create-api-key-expires" />
          <mat-hint>Empty: works until revoked</mat-hint>
          <mat-error data-testid="create-api-key-expires-error">{{ errors()['expiresAt'] }}</mat-error>
        </mat-form-field>
        <button mat-flat-button type="submit" data-testid="create-api-key-submit" [disabled]="creating()">Create key</button>
      </div>
    </form>

    <section class="camel-card" aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys</h2>
      <camel-data-table
        [rows]="store.items()"
        [columns]="columns"
        [trackBy]="trackById"
        [state]="store.state()"
        [notLive]="store.notLive()"
        noun="API keys"
        emptyText="No API keys yet."
        testId="api-key-table"
        emptyTestId="api-keys-empty"
        (reload)="store.load(projectId())"
      >
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
          <td mat-cell *matCellDef="let key" data-testid="api-key-name">{{ key.name }}</td>
        </ng-container>
        <ng-container matColumnDef="prefix">
          <th mat-header-cell *matHeaderCellDef scope="col">Key</th>
          <td mat-cell *matCellDef="let key"><code data-testid="api-key-prefix">{{ key.prefix }}…</code></td>
        </ng-container>
        <ng-container matColumnDef="role">
          <th mat-header-cell *matHeaderCellDef scope="col">Role</th>
          <td mat-cell *matCellDef="let key">{{ key.role }}</td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
          <td mat-cell *matCellDef="let key">
            <time [attr.datetime]="key.createdAt" [title]="key.createdBy">{{ key.createdAt | date: 'medium' }}</time>
          </td>
        </ng-container>
        <ng-container matColumnDef="lastUsedAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Last used</th>
          <td mat-cell *matCellDef="let key" data-testid="api-key-last-used">
            @if (key.lastUsedAt) {
              <time [attr.datetime]="key.lastUsedAt">{{ key.lastUsedAt | date: 'medium' }}</time>
            } @else {
              <span class="camel-muted">never</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="expiresAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Expires</th>
          <td mat-cell *matCellDef="let key" data-testid="api-key-expires">
            @if (key.expiresAt) {
              <time [attr.datetime]="key.expiresAt">{{ key.expiresAt | date: 'medium' }}</time>
            } @else {
              <span class="camel-muted">never</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
          <td mat-cell *matCellDef="let key" data-testid="api-key-status">
            @switch (statusOf(key)) {
              @case ('revoked') {
                <span class="status revoked" [title]="key.revokedAt | date: 'medium'">revoked</span>
              }
              @case ('expired') {
                <span class="status revoked" [title]="key.expiresAt | date: 'medium'">expired</span>
              }
              @default {
                <span class="status">active</span>
              }
            }
          </td>
        </ng-container>
        <ng-template camelRowActions let-key>
          @if (statusOf(key) !== 'revoked') {
            <button
              mat-button
              type="button"
              class="danger"
              data-testid="api-key-revoke"
              [disabled]="revoking().has(key.id)"
              [attr.aria-label]="'Revoke ' + key.name"
              (click)="revoke(key)"
            >
              Revoke
            </button>
          }
        </ng-template>
        <tr
          mat-row
          *matRowDef="let key; columns: columns"
          data-testid="api-key-row"
          [attr.data-key-id]="key.id"
          [attr.data-name]="key.name"
          [attr.data-status]="statusOf(key)"
        ></tr>
      </camel-data-table>
      <p class="camel-muted note">“Last used” is updated at most once a minute; reload the page to see the latest.</p>
    </section>
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .status {
      display: inline-block;
      padding: 0 8px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .status.revoked {
      background: var(--mat-sys-surface-container-high);
      color: var(--camel-muted);
    }
    .note {
      margin: 8px 0 0;
      font: var(--mat-sys-body-small);
    }
  `,
})
export class ApiKeysPage {
  private readonly api = inject(ApiService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  protected readonly store = injectLiveList((projectId: string) => apiKeyListSource(projectId, () => this.api.listApiKeys(projectId)), {
    clearOnLoad: true,
  });

  /** Route parameter. */
  readonly projectId = input.required<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly manageApiKeys = permissions.manageApiKeys;
  protected readonly roles = PROJECT_ROLES;
  protected readonly roleHints = ROLE_HINTS;
  protected readonly nameMax = API_KEY_NAME_MAX_LENGTH;
  protected readonly columns = ['name', 'prefix', 'role', 'createdAt', 'lastUsedAt', 'expiresAt', 'status', 'actions'];
  protected readonly form = inject(FormBuilder).nonNullable.group({ name: '', role: 'viewer' as ProjectRole, expiresOn: '' });
  /** The earliest expiry date the picker offers (a key expiring today would be gone before it is used). */
  protected readonly tomorrow = signal(localDate(new Date(Date.now() + 86_400_000)));
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly creating = signal(false);
  protected readonly revoking = signal<ReadonlySet<string>>(new Set());
  protected readonly createdKey = signal<CreatedKey | null>(null);
  protected readonly trackById = (_: number, key: ApiKeyView) => key.id;

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        this.createdKey.set(null);
        void this.store.load(projectId);
      });
    });
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/projects', projectId, 'api-keys']);
  }

  /** Revoked, or past its expiry (as of this rendering: a key expiring while the page is open shows it on the next change). */
  protected statusOf(key: ApiKeyView): 'revoked' | 'expired' | 'active' {
    if (key.revokedAt) return 'revoked';
    return key.expiresAt && Date.parse(key.expiresAt) <= Date.now() ? 'expired' : 'active';
  }

  protected async create(): Promise<void> {
    if (this.creating()) return;
    const { name, role, expiresOn } = this.form.getRawValue();
    this.creating.set(true);
    this.errors.set({});
    try {
      // The chosen day's end in the browser's time zone: the key works through that whole day.
      const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59.999`).toISOString() : undefined;
      const response = await this.api.createApiKey(this.projectId(), { name, role, ...(expiresAt ? { expiresAt } : {}) });
      // Shown at once, before its event arrives (which then changes nothing).
      this.store.update((keys) => withApiKey(keys, response.view));
      this.createdKey.set({ name: response.view.name, key: response.key });
      this.form.reset({ name: '', role, expiresOn: '' });
    } catch (error) {
      const errors = fieldErrors(error);
      this.errors.set(errors);
      for (const [field, control] of [
        ['name', this.form.controls.name],
        ['expiresAt', this.form.controls.expiresOn],
      ] as const) {
        if (errors[field]) {
          control.setErrors({ server: errors[field] });
          control.markAsTouched();
        }
      }
    } finally {
      this.creating.set(false);
    }
  }

  protected async revoke(key: ApiKeyView): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: 'Revoke API key?',
      message: `“${key.name}” (${key.prefix}…) stops working at once. This cannot be undone.`,
      confirm: 'Revoke',
    });
    if (!confirmed) return;
    this.revoking.update((ids) => new Set([...ids, key.id]));
    try {
      await this.api.revokeApiKey(this.projectId(), key.id);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.revoking.update((ids) => new Set([...ids].filter((id) => id !== key.id)));
    }
  }
}

/** `YYYY-MM-DD` of a moment in the browser's time zone (what a date input holds). */
function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}
