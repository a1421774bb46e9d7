import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { auditNameKey, permissions, type Actor, type AuditEntry, type AuditQuery, type AuditVerifyResult, type ProjectView } from '@camel/contracts';
import { auditActionLabel, auditActorLabel, auditSubjectLabel } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { DataTableComponent } from '../../shared/data-table.component';
import { AuditStore } from './audit.store';

/** '' = every project (owners only). */
const ALL_PROJECTS = '';

/** `datetime-local` value (local time, no zone) → ISO-8601, or undefined when empty/invalid. */
function toIso(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/**
 * Audit: who did what, when — the log's metadata, newest first, filtered by actor, project, type
 * and time; older pages on demand; new entries appear live. Verify recomputes the hash chains.
 * Owners see everything; project admins see (and verify) their projects, one at a time.
 */
@Component({
  selector: 'camel-audit-page',
  imports: [DatePipe, ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatTableModule, DataTableComponent],
  providers: [AuditStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit.page.html',
  styleUrl: './audit.page.scss',
})
export class AuditPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  protected readonly store = inject(AuditStore);

  protected readonly owner = this.auth.owner;
  protected readonly columns = ['time', 'type', 'stream', 'actor', 'project', 'request', 'position'];
  protected readonly form = inject(FormBuilder).nonNullable.group({
    actor: '',
    projectId: ALL_PROJECTS,
    type: '',
    exclude: '',
    from: '',
    to: '',
  });
  /** The query the list shows (the form may have been edited since). */
  protected readonly applied = signal<AuditQuery>({});
  protected readonly verifying = signal(false);
  protected readonly verification = signal<AuditVerifyResult | null>(null);

  private readonly projects = signal<ProjectView[]>([]);
  /** Projects whose audit the user may read (all for owners). */
  protected readonly projectChoices = computed(() => this.projects().filter((project) => this.auth.canIn(permissions.readAudit, project.id)));
  private readonly namesOfProjects = computed(() => Object.fromEntries(this.projects().map((project) => [auditNameKey('project', project.id), project.name])));
  protected readonly projectNames = computed(() => new Map(this.projects().map((project) => [project.id, project.name])));
  protected readonly canVerify = computed(() => {
    const projectId = this.applied().projectId;
    return projectId ? this.auth.canIn(permissions.verifyAudit, projectId) : this.auth.canGlobally(permissions.verifyAudit);
  });
  protected readonly trackByPosition = (_: number, entry: AuditEntry) => entry.position;

  constructor() {
    void this.start();
  }

  protected apply(): void {
    const { actor, projectId, type, exclude, from, to } = this.form.getRawValue();
    const leaveOut = exclude
      .split(/[\s,]+/)
      .filter((pattern) => pattern.length > 0)
      .join(',');
    const query: AuditQuery = {
      ...(actor.trim() ? { actor: actor.trim() } : {}),
      ...(projectId ? { projectId } : {}),
      ...(type.trim() ? { type: type.trim() } : {}),
      ...(leaveOut ? { exclude: leaveOut } : {}),
      ...(toIso(from) ? { from: toIso(from) } : {}),
      ...(toIso(to) ? { to: toIso(to) } : {}),
    };
    this.applied.set(query);
    this.verification.set(null);
    void this.store.load(query);
  }

  protected clear(): void {
    this.form.reset({ projectId: this.owner() ? ALL_PROJECTS : (this.projectChoices()[0]?.id ?? ALL_PROJECTS) });
    this.apply();
  }

  /** Clicking an actor filters by it. */
  protected filterActor(actor: Actor): void {
    this.form.controls.actor.setValue(`${actor.type}:${actor.id}`);
    this.apply();
  }

  protected async verify(): Promise<void> {
    if (this.verifying()) return;
    this.verifying.set(true);
    this.verification.set(null);
    try {
      this.verification.set(await this.api.verifyAudit(this.applied().projectId));
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.verifying.set(false);
    }
  }

  protected readonly actionLabel = auditActionLabel;

  protected actorLabel(actor: Actor): string {
    return auditActorLabel(actor, this.store.names(), this.auth.me()?.actor);
  }

  protected subjectLabel(entry: AuditEntry): string {
    return auditSubjectLabel(entry.streamId, { ...this.namesOfProjects(), ...this.store.names() });
  }

  protected projectLabel(projectId: string | null): string {
    if (!projectId) return '—';
    return this.store.names()[auditNameKey('project', projectId)] ?? this.projectNames().get(projectId) ?? projectId.slice(0, 8);
  }


  private async start(): Promise<void> {
    try {
      const { projects } = await this.api.listProjects('all');
      this.projects.set(projects);
    } catch {
      // ApiService has shown the server's message; project names stay ids.
    }
    // Project admins must name a project: the first one they may audit.
    if (!this.owner()) this.form.controls.projectId.setValue(this.projectChoices()[0]?.id ?? ALL_PROJECTS);
    this.apply();
  }
}
