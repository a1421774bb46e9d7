import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { permissions, type Permission } from '@camel/contracts';
import { projectListSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';

interface Area {
  readonly label: string;
  readonly about: string;
  readonly link: readonly string[];
  readonly testId: string;
  readonly requires: Permission;
}

/**
 * One project: what it is, and its areas (configs, runs, logs, members, API keys), each shown when
 * the user may open it. Live: a rename or an archive shows at once.
 */
@Component({
  selector: 'camel-project-page',
  imports: [DatePipe, RouterLink, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (project(); as p) {
      <div class="page-head">
        <h1 data-testid="project-title">{{ p.name }}</h1>
        @if (p.status === 'archived') {
          <span class="archived" data-testid="project-archived">archived</span>
        }
      </div>
      <section class="camel-card" aria-labelledby="project-about">
        <h2 id="project-about" class="camel-visually-hidden">About this project</h2>
        <p data-testid="project-page-description">{{ p.description || 'No description.' }}</p>
        <p class="camel-muted">
          Created <time [attr.datetime]="p.createdAt">{{ p.createdAt | date: 'medium' }}</time>; last changed
          <time [attr.datetime]="p.updatedAt">{{ p.updatedAt | date: 'medium' }}</time>.
        </p>
      </section>
      <ul class="areas">
        @for (area of areas(); track area.testId) {
          <li class="camel-card">
            <a class="area" [routerLink]="area.link" [attr.data-testid]="area.testId">{{ area.label }}</a>
            <span class="camel-muted">{{ area.about }}</span>
          </li>
        }
      </ul>
      <p class="camel-muted">Datasets and training for this project will appear here as those sections open.</p>
    } @else if (store.state() === 'ready') {
      <h1>Project not found</h1>
      <p>It does not exist, or you are not a member. <a routerLink="/projects">All projects</a></p>
    } @else {
      <p class="camel-muted">Loading…</p>
    }
  `,
  styles: `
    .page-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 12px;
    }
    .archived {
      padding: 2px 8px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
    }
    .areas {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      gap: 12px;
      margin: 0 0 16px;
      padding: 0;
      list-style: none;
    }
    .areas li {
      display: flex;
      flex-direction: column;
      gap: 4px;
      margin: 0;
    }
    .area {
      font-size: 1.1em;
      font-weight: 500;
    }
  `,
})
export class ProjectPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  protected readonly store = injectLiveList(() => projectListSource(() => this.api.listProjects('all')));

  /** Bound from the route by `withComponentInputBinding`. */
  readonly projectId = input.required<string>();

  protected readonly project = computed(() => this.store.items().find((project) => project.id === this.projectId()));
  protected readonly areas = computed<Area[]>(() => {
    const id = this.projectId();
    const all: Area[] = [
      { label: 'Configs', about: 'agents and workflows, every version kept', link: ['/configs', id], testId: 'project-area-configs', requires: permissions.readConfig },
      { label: 'Runs', about: 'start a workflow, watch its turns live', link: ['/runs', id], testId: 'project-area-runs', requires: permissions.readRun },
      { label: 'Logs', about: 'search everything the agents said', link: ['/logs', id], testId: 'project-area-logs', requires: permissions.readRun },
      { label: 'Members', about: 'who holds which role here', link: ['/projects', id, 'members'], testId: 'project-area-members', requires: permissions.readProject },
      { label: 'API keys', about: 'access for scripts and CI', link: ['/projects', id, 'api-keys'], testId: 'project-area-api-keys', requires: permissions.manageApiKeys },
    ];
    return all.filter((area) => this.auth.canIn(area.requires, id));
  });

  constructor() {
    void this.store.load();
  }
}
