import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { Permission, ProjectView } from '@camel/contracts';
import { ApiService } from '../core/api.service';
import { AuthService } from '../core/auth.service';

/** Chooses the project a per-project page shows: those the user may open it for. */
@Component({
  selector: 'camel-project-picker',
  imports: [MatFormFieldModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field subscriptSizing="dynamic" class="picker">
      <mat-label>Project</mat-label>
      <mat-select
        [value]="selected()"
        (valueChange)="picked.emit($event)"
        [attr.data-testid]="testId()"
        aria-label="Project"
      >
        @for (project of choices(); track project.id) {
          <mat-option [value]="project.id">{{ project.name }}{{ project.status === 'archived' ? ' (archived)' : '' }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
  styles: `
    .picker {
      min-width: 260px;
    }
  `,
})
export class ProjectPickerComponent {
  private readonly auth = inject(AuthService);

  readonly selected = input.required<string>();
  /** Only projects where the user holds this. */
  readonly requires = input.required<Permission>();
  readonly testId = input('project-picker');
  readonly picked = output<string>();

  private readonly projects = signal<ProjectView[]>([]);
  protected readonly choices = computed(() => this.projects().filter((project) => this.auth.canIn(this.requires(), project.id)));
  /** The chosen project's name, once the list is there. */
  readonly selectedName = computed(() => this.projects().find((project) => project.id === this.selected())?.name);

  constructor() {
    inject(ApiService)
      .listProjects('all')
      .then(
        ({ projects }) => this.projects.set(projects),
        () => undefined, // ApiService has shown the server's message.
      );
  }
}
