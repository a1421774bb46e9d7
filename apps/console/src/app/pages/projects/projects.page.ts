import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { permissions, type ProjectView } from '@camel/contracts';
import { matchesStatusFilter, projectListSource, type ProjectStatusFilter } from '@camel/console-data-access';
import { firstValueFrom } from 'rxjs';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { DataTableComponent, RowActionsDirective } from '../../shared/data-table.component';
import { ArchiveDialogComponent, type ArchiveDialogData } from './archive-dialog.component';
import { CreateProjectFormComponent, markServerError } from './create-project-form.component';

const FILTERS: readonly ProjectStatusFilter[] = ['active', 'archived', 'all'];

function isFilter(value: string | undefined): value is ProjectStatusFilter {
  return FILTERS.includes(value as ProjectStatusFilter);
}

/**
 * Projects, live: create, rename inline, archive after confirmation; filter by status (`?status=`).
 * Each action shows only where the user's role allows it; every row links to its members and (for
 * those who manage them) its API keys.
 */
@Component({
  selector: 'camel-projects-page',
  imports: [
    DatePipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    DataTableComponent,
    RowActionsDirective,
    CreateProjectFormComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './projects.page.html',
  styleUrl: './projects.page.scss',
})
export class ProjectsPage {
  private readonly api = inject(ApiService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  /** Every project, active and archived: the filter is applied here, so archiving moves a row at once. */
  protected readonly store = injectLiveList(() => projectListSource(() => this.api.listProjects('all')));

  /** `?status=` query parameter, bound by the router. */
  readonly status = input<string>();

  protected readonly filters = FILTERS;
  protected readonly columns = ['name', 'description', 'status', 'createdAt', 'updatedAt', 'actions'];
  protected readonly filter = computed<ProjectStatusFilter>(() => {
    const status = this.status();
    return isFilter(status) ? status : 'active';
  });
  protected readonly visible = computed(() =>
    this.store.items().filter((project) => matchesStatusFilter(project, this.filter())),
  );

  protected readonly editingId = signal<string | undefined>(undefined);
  protected readonly renameControl = new FormControl('', { nonNullable: true });
  protected readonly renameForm = new FormGroup({ name: this.renameControl });
  protected readonly renameError = signal('');
  protected readonly renaming = signal(false);
  protected readonly archiving = signal<ReadonlySet<string>>(new Set());
  private readonly renameInput = viewChild<ElementRef<HTMLInputElement>>('renameInput');

  protected readonly trackById = (_: number, project: ProjectView) => project.id;

  protected readonly canCreate = computed(() => this.auth.canGlobally(permissions.createProject));
  /** Per project: what the signed-in user may do there (recomputed when Me changes). */
  protected readonly allowed = computed(() => {
    const can = (permission: Parameters<AuthService['canIn']>[0], project: ProjectView) => this.auth.canIn(permission, project.id);
    return new Map(
      this.store.items().map((project) => [
        project.id,
        {
          rename: can(permissions.updateProject, project),
          archive: can(permissions.archiveProject, project),
          apiKeys: can(permissions.manageApiKeys, project),
        },
      ]),
    );
  });

  constructor() {
    void this.store.load();
    afterRenderEffect(() => this.renameInput()?.nativeElement.focus());
  }

  protected setFilter(filter: ProjectStatusFilter): void {
    void this.router.navigate([], { queryParams: { status: filter === 'active' ? null : filter }, queryParamsHandling: 'merge' });
  }

  protected startRename(project: ProjectView): void {
    this.renameControl.reset(project.name);
    this.renameError.set('');
    this.editingId.set(project.id);
  }

  protected cancelRename(): void {
    this.editingId.set(undefined);
    this.renameError.set('');
  }

  protected async saveRename(project: ProjectView): Promise<void> {
    if (this.renaming()) return;
    const name = this.renameControl.value;
    if (name === project.name) return this.cancelRename();
    this.renaming.set(true);
    this.renameError.set('');
    try {
      await this.api.renameProject(project.id, name);
      // The row shows the new name when the ProjectRenamed event arrives.
      if (this.editingId() === project.id) this.editingId.set(undefined);
    } catch (error) {
      const message = fieldErrors(error)['name'];
      if (message) {
        this.renameError.set(message);
        markServerError(this.renameControl, message);
      }
    } finally {
      this.renaming.set(false);
    }
  }

  protected async archive(project: ProjectView): Promise<void> {
    const confirmed = await firstValueFrom(
      this.dialog
        .open<ArchiveDialogComponent, ArchiveDialogData, boolean>(ArchiveDialogComponent, {
          data: { name: project.name },
        })
        .afterClosed(),
    );
    if (!confirmed) return;
    this.archiving.update((ids) => new Set([...ids, project.id]));
    try {
      await this.api.archiveProject(project.id);
    } catch {
      // ApiService has shown the server's message (e.g. already archived).
    } finally {
      this.archiving.update((ids) => new Set([...ids].filter((id) => id !== project.id)));
    }
  }
}
