import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatMenuModule } from '@angular/material/menu';
import { AuthService } from '../core/auth.service';
import { openChangePasswordDialog } from './open-change-password-dialog';

/** The toolbar's account menu: who is signed in, password, sign-out. */
@Component({
  selector: 'camel-user-menu',
  imports: [MatButtonModule, MatMenuModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button mat-button type="button" class="trigger" [matMenuTriggerFor]="menu" data-testid="user-menu" [attr.aria-label]="'Account: ' + name()">
      <span class="avatar" aria-hidden="true">{{ initial() }}</span>
      <span class="name" data-testid="user-name">{{ name() }}</span>
    </button>
    <mat-menu #menu="matMenu" xPosition="before">
      <div class="who" role="presentation">
        <strong>{{ name() }}</strong>
        @if (email()) {
          <span class="camel-muted" data-testid="user-email">{{ email() }}</span>
        }
        <span class="camel-muted" data-testid="user-role">{{ roleLabel() }}</span>
      </div>
      @if (isUser()) {
        <button mat-menu-item type="button" data-testid="change-password" (click)="changePassword()">Change password</button>
      }
      <button mat-menu-item type="button" data-testid="sign-out" (click)="signOut()">Sign out</button>
    </mat-menu>
  `,
  styles: `
    .trigger {
      --mat-button-text-label-text-color: #fff;
    }
    .avatar {
      display: inline-grid;
      place-items: center;
      width: 26px;
      height: 26px;
      margin-right: 8px;
      border-radius: 50%;
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
      font: var(--mat-sys-label-large);
    }
    .who {
      display: flex;
      flex-direction: column;
      gap: 2px;
      padding: 8px 16px 12px;
      max-width: 280px;
      overflow-wrap: anywhere;
    }
    @media (max-width: 599.98px) {
      .name {
        display: none;
      }
    }
  `,
})
export class UserMenuComponent {
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);

  protected readonly name = computed(() => this.auth.me()?.name ?? '');
  protected readonly email = computed(() => this.auth.me()?.email);
  protected readonly initial = computed(() => this.name().trim().charAt(0).toUpperCase() || '?');
  protected readonly isUser = computed(() => this.auth.me()?.actor.type === 'user');
  protected readonly roleLabel = computed(() => {
    const me = this.auth.me();
    if (!me) return '';
    if (me.globalRole === 'owner') return 'Owner';
    const count = me.memberships.length;
    return `Member of ${count} project${count === 1 ? '' : 's'}`;
  });

  protected changePassword(): void {
    void openChangePasswordDialog(this.dialog);
  }

  protected signOut(): void {
    void this.auth.signOut();
  }
}
