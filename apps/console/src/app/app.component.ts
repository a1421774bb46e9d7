import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, effect, inject, untracked, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { MatListModule } from '@angular/material/list';
import { MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { AuthService } from './core/auth.service';
import type { ChangePasswordDialogComponent } from './layout/change-password-dialog.component';
import { ConnectionStatusComponent } from './layout/connection-status.component';
import { NAV_ITEMS } from './layout/nav-items';
import { openChangePasswordDialog } from './layout/open-change-password-dialog';
import { UserMenuComponent } from './layout/user-menu.component';

/**
 * The shell: toolbar, section navigation (a drawer on narrow screens) and the routed page. Signed
 * out (sign-in, invitation links), only the page; signed in, the sections the user may open.
 */
@Component({
  selector: 'camel-root',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatButtonModule,
    ConnectionStatusComponent,
    UserMenuComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip-link" href="#main-content">Skip to content</a>
    <mat-toolbar class="toolbar" role="banner">
      @if (narrow() && signedIn()) {
        <button
          mat-icon-button
          type="button"
          aria-label="Toggle navigation"
          [attr.aria-expanded]="sidenav()?.opened"
          aria-controls="camel-sidenav"
          (click)="sidenav()?.toggle()"
        >
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
          </svg>
        </button>
      }
      <a class="brand" routerLink="/home">CAMEL Extensions</a>
      <span class="subtitle">Admin console</span>
      <span class="spacer"></span>
      @if (signedIn()) {
        <camel-connection-status />
        <camel-user-menu />
      }
    </mat-toolbar>

    @if (signedIn()) {
      <mat-sidenav-container class="container">
        <mat-sidenav
          id="camel-sidenav"
          class="sidenav"
          [mode]="narrow() ? 'over' : 'side'"
          [opened]="!narrow()"
          [fixedInViewport]="false"
        >
          <nav aria-label="Sections">
            <mat-nav-list>
              @for (item of navItems(); track item.path) {
                <a
                  mat-list-item
                  [routerLink]="item.path"
                  routerLinkActive
                  #link="routerLinkActive"
                  [activated]="link.isActive"
                  ariaCurrentWhenActive="page"
                  [attr.data-testid]="'nav-' + item.path"
                  (click)="closeIfNarrow()"
                  >{{ item.label }}</a
                >
              }
            </mat-nav-list>
          </nav>
        </mat-sidenav>
        <mat-sidenav-content>
          <main id="main-content" class="content" tabindex="-1">
            <router-outlet />
          </main>
        </mat-sidenav-content>
      </mat-sidenav-container>
    } @else {
      <main id="main-content" class="content signed-out" tabindex="-1">
        @if (auth.status() === 'restoring') {
          <p class="camel-muted" role="status" data-testid="session-restoring">Loading…</p>
        } @else {
          <router-outlet />
        }
      </main>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
    }
    .toolbar {
      flex: none;
      gap: 12px;
      --mat-toolbar-container-background-color: #1f2937;
      --mat-toolbar-container-text-color: #fff;
      --mat-icon-button-icon-color: #fff;
    }
    .brand {
      color: inherit;
      font: var(--mat-sys-title-medium);
      text-decoration: none;
    }
    .subtitle {
      color: #9ca3af;
      font: var(--mat-sys-body-medium);
    }
    .spacer {
      flex: 1;
    }
    .container {
      flex: 1;
    }
    .signed-out {
      flex: 1;
      overflow: auto;
    }
    .sidenav {
      width: 200px;
    }
    .content {
      padding: 24px;
      outline: none;
    }
    .skip-link {
      position: absolute;
      left: -9999px;
      z-index: 10;
    }
    .skip-link:focus {
      left: 8px;
      top: 8px;
      padding: 8px;
      background: var(--mat-sys-surface);
    }
    @media (max-width: 599.98px) {
      .subtitle {
        display: none;
      }
      .content {
        padding: 12px;
      }
    }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthService);
  protected readonly signedIn = this.auth.signedIn;
  /** Only the sections the user may open (the routes refuse the others too). */
  protected readonly navItems = computed(() => {
    return NAV_ITEMS.filter((item) => {
      if (!item.requires) return true;
      const { permission, scope } = item.requires;
      return scope === 'global' ? this.auth.canGlobally(permission) : this.auth.canAnywhere(permission);
    });
  });
  protected readonly sidenav = viewChild(MatSidenav);
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 839.98px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );

  private readonly dialog = inject(MatDialog);
  /** Pending while the dialog's code loads. */
  private passwordDialog: Promise<MatDialogRef<ChangePasswordDialogComponent>> | undefined;

  constructor() {
    // A generated password (the first owner's) is changed before anything else: a dialog that
    // cannot be dismissed, until Me no longer asks for it.
    effect(() => {
      const required = this.auth.signedIn() && this.auth.me()?.passwordChangeRequired === true;
      untracked(() => {
        if (!required) {
          void this.passwordDialog?.then((dialog) => dialog.close());
          return;
        }
        if (this.passwordDialog) return;
        const opened = openChangePasswordDialog(this.dialog, { data: { required: true }, disableClose: true });
        this.passwordDialog = opened;
        void opened.then((dialog) =>
          dialog.afterClosed().subscribe(() => {
            if (this.passwordDialog === opened) this.passwordDialog = undefined;
            void this.auth.reloadMe();
          }),
        );
      });
    });
  }

  protected closeIfNarrow(): void {
    if (this.narrow()) void this.sidenav()?.close();
  }
}
