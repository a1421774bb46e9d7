import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import type { UserView } from '@camel/contracts';
import { userListSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { confirmAction } from '../../shared/confirm-dialog.component';
import { DataTableComponent, RowActionsDirective } from '../../shared/data-table.component';
import { OneTimeSecretComponent } from '../../shared/one-time-secret.component';
import { CreateUserFormComponent, type UserCreated } from './create-user-form.component';

interface OneTimeLink {
  readonly title: string;
  readonly link: string;
  readonly hint: string;
}

/** The console URL that spends an invite or reset token. */
export function acceptInviteLink(token: string): string {
  return `${window.location.origin}/accept-invite?token=${encodeURIComponent(token)}`;
}

/**
 * Admin → Users (owners): everyone with an account, live. Invite (one-time link) or create with a
 * password; make or unmake owners; disable and enable; issue a password reset link.
 */
@Component({
  selector: 'camel-users-page',
  imports: [DatePipe, MatButtonModule, MatSlideToggleModule, MatTableModule, CreateUserFormComponent, DataTableComponent, OneTimeSecretComponent, RowActionsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Users</h1>

    @if (secret(); as secret) {
      <camel-one-time-secret [title]="secret.title" [value]="secret.link" [hint]="secret.hint" (dismissed)="secretLink.set(null)" />
    }

    <camel-create-user-form (created)="onCreated($event)" />

    <section class="camel-card" aria-labelledby="users-heading">
      <h2 id="users-heading">All users</h2>
      <camel-data-table
        [rows]="store.items()"
        [columns]="columns"
        [trackBy]="trackById"
        [state]="store.state()"
        [notLive]="store.notLive()"
        noun="users"
        emptyText="No users yet."
        testId="user-table"
        emptyTestId="users-empty"
        [minWidth]="860"
        (reload)="store.load()"
      >
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
          <td mat-cell *matCellDef="let user" data-testid="user-name-cell">
            {{ user.name }}
            @if (user.id === myId()) {
              <span class="camel-muted">(you)</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="email">
          <th mat-header-cell *matHeaderCellDef scope="col">Email</th>
          <td mat-cell *matCellDef="let user" data-testid="user-email-cell">{{ user.email }}</td>
        </ng-container>
        <ng-container matColumnDef="owner">
          <th mat-header-cell *matHeaderCellDef scope="col">Owner</th>
          <td mat-cell *matCellDef="let user">
            <mat-slide-toggle
              data-testid="user-owner-toggle"
              [checked]="user.globalRole === 'owner'"
              [disabled]="user.id === myId() || busy().has(user.id)"
              [attr.aria-label]="'Owner: ' + user.name"
              (change)="setOwner(user, $event)"
            />
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
          <td mat-cell *matCellDef="let user">
            <span class="status" [attr.data-status]="user.status" data-testid="user-status">{{ user.status }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="lastLoginAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Last sign-in</th>
          <td mat-cell *matCellDef="let user" data-testid="user-last-login">
            @if (user.lastLoginAt) {
              <time [attr.datetime]="user.lastLoginAt">{{ user.lastLoginAt | date: 'medium' }}</time>
            } @else {
              <span class="camel-muted">never</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
          <td mat-cell *matCellDef="let user">
            <time [attr.datetime]="user.createdAt">{{ user.createdAt | date: 'medium' }}</time>
          </td>
        </ng-container>
        <ng-template camelRowActions let-user>
          <button
            mat-button
            type="button"
            data-testid="user-reset-password"
            [disabled]="busy().has(user.id) || user.status === 'disabled'"
            [attr.aria-label]="'Reset the password of ' + user.name"
            (click)="resetPassword(user)"
          >
            Reset password
          </button>
          @if (user.status === 'disabled') {
            <button mat-button type="button" data-testid="user-enable" [disabled]="busy().has(user.id)" (click)="enable(user)">Enable</button>
          } @else if (user.id !== myId()) {
            <button mat-button type="button" class="danger" data-testid="user-disable" [disabled]="busy().has(user.id)" (click)="disable(user)">
              Disable
            </button>
          }
        </ng-template>
        <tr
          mat-row
          *matRowDef="let user; columns: columns"
          data-testid="user-row"
          [attr.data-user-id]="user.id"
          [attr.data-email]="user.email"
          [attr.data-status]="user.status"
        ></tr>
      </camel-data-table>
    </section>
  `,
  styles: `
    .status {
      display: inline-block;
      padding: 0 8px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .status[data-status='invited'] {
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    .status[data-status='disabled'] {
      background: var(--mat-sys-surface-container-high);
      color: var(--camel-muted);
    }
    .danger {
      --mat-button-text-label-text-color: var(--camel-danger);
    }
  `,
})
export class UsersPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  protected readonly store = injectLiveList(() => userListSource(() => this.api.listUsers()));

  protected readonly columns = ['name', 'email', 'owner', 'status', 'lastLoginAt', 'createdAt', 'actions'];
  protected readonly myId = computed(() => {
    const actor = this.auth.me()?.actor;
    return actor?.type === 'user' ? actor.id : undefined;
  });
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  protected readonly secretLink = signal<OneTimeLink | null>(null);
  protected readonly secret = this.secretLink.asReadonly();
  protected readonly trackById = (_: number, user: UserView) => user.id;

  constructor() {
    void this.store.load();
  }

  protected onCreated({ email, response }: UserCreated): void {
    if (!response.inviteToken) {
      this.secretLink.set(null);
      return;
    }
    this.secretLink.set({
      title: `Invitation link for ${email}`,
      link: acceptInviteLink(response.inviteToken),
      hint: `Send it to ${email}: it sets their password and signs them in${expires(response.inviteExpiresAt)}.`,
    });
  }

  protected async setOwner(user: UserView, change: MatSlideToggleChange): Promise<void> {
    const owner = change.checked;
    const done = await this.act(user, () => this.api.updateUser(user.id, { globalRole: owner ? 'owner' : null }));
    // Refused: the row did not change, so put the toggle back where the row says.
    if (!done) change.source.checked = !owner;
  }

  protected async disable(user: UserView): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: 'Disable user?',
      message: `${user.name} (${user.email}) is signed out everywhere and can no longer sign in until enabled again.`,
      confirm: 'Disable',
    });
    if (confirmed) await this.act(user, () => this.api.disableUser(user.id));
  }

  protected async enable(user: UserView): Promise<void> {
    await this.act(user, () => this.api.enableUser(user.id));
  }

  protected async resetPassword(user: UserView): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: 'Reset password?',
      message: `A one-time link lets ${user.name} choose a new password. Their current sessions end.`,
      confirm: 'Create reset link',
    });
    if (!confirmed) return;
    await this.act(user, async () => {
      const response = await this.api.resetUserPassword(user.id);
      this.secretLink.set({
        title: `Password reset link for ${user.email}`,
        link: acceptInviteLink(response.resetToken),
        hint: `Send it to ${user.email}${expires(response.expiresAt)}.`,
      });
    });
  }

  /** Runs one action per user at a time; the row changes when its event arrives. False when refused. */
  private async act(user: UserView, action: () => Promise<unknown>): Promise<boolean> {
    this.busy.update((ids) => new Set([...ids, user.id]));
    try {
      await action();
      return true;
    } catch {
      // ApiService has shown the server's message.
      return false;
    } finally {
      this.busy.update((ids) => new Set([...ids].filter((id) => id !== user.id)));
    }
  }
}

function expires(at: string | undefined): string {
  return at ? `; it expires ${new Date(at).toLocaleString()}` : '';
}
