import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

interface NavItem {
  readonly label: string;
  readonly path: string;
}

/** Future sections of the console; pages are added by later issues. */
const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Projects', path: '/projects' },
  { label: 'Configs', path: '/configs' },
  { label: 'Runs', path: '/runs' },
  { label: 'Logs', path: '/logs' },
  { label: 'Annotate', path: '/annotate' },
  { label: 'Datasets', path: '/datasets' },
  { label: 'Training', path: '/training' },
  { label: 'Models', path: '/models' },
  { label: 'Admin', path: '/admin' },
  { label: 'Audit', path: '/audit' },
  // Not '/health': that prefix is proxied to / served by the API, so a reload would leave the SPA.
  { label: 'Health', path: '/status' },
];

@Component({
  selector: 'camel-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="topbar">
      <a class="brand" routerLink="/">CAMEL Extensions</a>
      <span class="subtitle">Admin console</span>
    </header>
    <div class="body">
      <nav class="sidenav" aria-label="Sections">
        <ul>
          <li>
            <a
              routerLink="/"
              routerLinkActive="active"
              [routerLinkActiveOptions]="{ exact: true }"
              >Home</a
            >
          </li>
          @for (item of navItems; track item.path) {
            <li>
              <a [routerLink]="item.path" routerLinkActive="active">{{ item.label }}</a>
            </li>
          }
        </ul>
      </nav>
      <main class="content">
        <router-outlet />
      </main>
    </div>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
    }
    .topbar {
      display: flex;
      align-items: baseline;
      gap: 12px;
      height: var(--topbar-h);
      padding: 0 16px;
      line-height: var(--topbar-h);
      background: #1f2937;
      color: #fff;
      flex: none;
    }
    .brand {
      color: #fff;
      font-weight: 600;
      font-size: 16px;
      text-decoration: none;
    }
    .subtitle {
      color: #9ca3af;
      font-size: 13px;
    }
    .body {
      display: flex;
      flex: 1;
      min-height: 0;
    }
    .sidenav {
      width: var(--sidenav-w);
      flex: none;
      overflow-y: auto;
      background: var(--surface);
      border-right: 1px solid var(--border);
    }
    .sidenav ul {
      list-style: none;
      margin: 0;
      padding: 8px 0;
    }
    .sidenav a {
      display: block;
      padding: 6px 16px;
      color: var(--text);
      text-decoration: none;
    }
    .sidenav a:hover {
      background: var(--bg);
    }
    .sidenav a.active {
      background: var(--accent-soft);
      color: var(--accent);
      font-weight: 600;
    }
    .content {
      flex: 1;
      overflow: auto;
      padding: 24px;
    }
  `,
})
export class AppComponent {
  protected readonly navItems = NAV_ITEMS;
}
