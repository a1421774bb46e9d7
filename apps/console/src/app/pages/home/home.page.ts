import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { permissions } from '@camel/contracts';
import { nextStep, type HomeFacts, type NextStep } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { RunsApiService } from '../runs/runs-api.service';

/** The documents shipped in the repository's docs/ folder, for the home page's reading list. */
const DOCS: readonly { readonly file: string; readonly about: string }[] = [
  { file: 'docs/configs.md', about: 'writing agents.yaml and workflows' },
  { file: 'docs/workflows.md', about: 'role-playing and pipelines, how runs proceed' },
  { file: 'docs/providers.md', about: 'connecting OpenAI-compatible model endpoints' },
  { file: 'docs/operations.md', about: 'running, backing up and upgrading an installation' },
  { file: 'docs/security.md', about: 'roles, sign-in, API keys, the audit trail' },
];

/**
 * Home: what the product is for, and the one next step for this user (by role and progress:
 * create a project, write its configs, start a run; an annotator, annotation), with the reading
 * list and the API reference.
 */
@Component({
  selector: 'camel-home-page',
  imports: [RouterLink, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Welcome{{ firstName() ? ', ' + firstName() : '' }}</h1>
    <section class="camel-card intro" aria-labelledby="home-what">
      <h2 id="home-what">What this is for</h2>
      <p>
        CAMEL Extensions runs teams of LLM agents that work on a task together (role-playing, pipelines), lets you watch every turn
        as it is written, and keeps all of it: people annotate what the agents said, annotations become preference datasets, and
        datasets train better models.
      </p>
      <ol class="flow">
        <li><strong>Projects</strong> hold a team's work and decide who may do what.</li>
        <li><strong>Configs</strong> describe the agents (model, role, prompt) and the workflows they follow.</li>
        <li><strong>Runs</strong> start a workflow; its turns stream live and stay in the <strong>Logs</strong>.</li>
      </ol>
    </section>

    <section class="camel-card next" aria-labelledby="home-next" data-testid="home-next" [attr.data-step]="step()?.kind ?? 'loading'">
      <h2 id="home-next">Your next step</h2>
      @switch (step()?.kind) {
        @case ('create-project') {
          <p>There is no project yet. Create one: it will hold your configs, runs and members.</p>
          <a mat-flat-button routerLink="/projects" data-testid="home-next-action">Create a project</a>
        }
        @case ('ask-for-project') {
          <p>You are not a member of any project yet. Ask an owner or a project admin to add you; this page will show your next step then.</p>
        }
        @case ('write-configs') {
          <p>
            <strong>{{ projectName() }}</strong> has no configs yet. Describe its agents in <code>agents.yaml</code> and add a workflow: the
            editor starts from a working example and checks every change as you type.
          </p>
          <a mat-flat-button [routerLink]="['/configs', projectId()]" data-testid="home-next-action">Write configs</a>
        }
        @case ('start-run') {
          <p><strong>{{ projectName() }}</strong> has configs. Start a run of one of its workflows and watch the agents' turns arrive.</p>
          <a mat-flat-button [routerLink]="['/runs', projectId()]" data-testid="home-next-action">Start a run</a>
        }
        @case ('annotate') {
          <p>
            You annotate in <strong>{{ projectName() }}</strong>: read what the agents said in its runs and mark what was good. Your annotation
            queue is in the Annotate section; until it opens, the runs are where the conversations are.
          </p>
          <a mat-flat-button [routerLink]="['/runs', projectId()]" data-testid="home-next-action">Open the runs</a>
        }
        @case ('follow-runs') {
          <p>Follow the runs of <strong>{{ projectName() }}</strong>, or search everything the agents said in the logs.</p>
          <div class="actions">
            <a mat-flat-button [routerLink]="['/runs', projectId()]" data-testid="home-next-action">Runs</a>
            <a mat-stroked-button [routerLink]="['/logs', projectId()]">Logs</a>
          </div>
        }
        @default {
          <p class="camel-muted">Looking at your projects…</p>
        }
      }
    </section>

    <section class="camel-card" aria-labelledby="home-read">
      <h2 id="home-read">Reference</h2>
      <ul class="docs">
        <li><a href="/api/docs" target="_blank" rel="noopener" data-testid="home-api-docs">API reference</a> — every route of the REST API, to try in the browser</li>
        @for (doc of docs; track doc.file) {
          <li><code>{{ doc.file }}</code> in the repository — {{ doc.about }}</li>
        }
      </ul>
    </section>
  `,
  styles: `
    .flow {
      margin: 0;
      padding-left: 20px;
    }
    .flow li,
    .docs li {
      margin: 4px 0;
    }
    .docs {
      margin: 0;
      padding-left: 20px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .next p {
      margin-top: 0;
    }
  `,
})
export class HomePage {
  private readonly api = inject(ApiService);
  private readonly runs = inject(RunsApiService);
  private readonly auth = inject(AuthService);

  protected readonly docs = DOCS;
  protected readonly step = signal<NextStep | null>(null);
  protected readonly firstName = computed(() => this.auth.me()?.name.split(/\s+/)[0] ?? '');
  protected readonly projectId = computed(() => {
    const step = this.step();
    return step && 'projectId' in step ? step.projectId : '';
  });
  protected readonly projectName = computed(() => {
    const step = this.step();
    return step && 'projectName' in step ? step.projectName : '';
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    const canCreateProject = this.auth.canGlobally(permissions.createProject);
    let facts: HomeFacts = { canCreateProject, projects: [] };
    try {
      const { projects } = await this.api.listProjects('active');
      const mine = projects.filter((project) => this.auth.canIn(permissions.readProject, project.id));
      const [first] = mine;
      facts = { canCreateProject, projects: mine };
      if (first) {
        const can = (permission: (typeof permissions)[keyof typeof permissions]) => this.auth.canIn(permission, first.id);
        const [config, runs] = await Promise.all([
          can(permissions.readConfig) ? this.api.getConfig(first.id) : Promise.resolve({ version: 0 }),
          can(permissions.readRun) ? this.runs.listRuns(first.id) : Promise.resolve({ runs: [] }),
        ]);
        facts = {
          ...facts,
          first: {
            configVersion: config.version,
            runs: runs.runs.length,
            canWriteConfig: can(permissions.writeConfig),
            canStartRun: can(permissions.startRun),
            canAnnotate: can(permissions.writeAnnotation),
          },
        };
      }
    } catch {
      // ApiService has shown the server's message; the step falls back to what is known.
    }
    this.step.set(nextStep(facts));
  }
}
