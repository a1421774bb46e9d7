import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { EMAIL_MAX_LENGTH, PROJECT_ROLES, permissions, type MemberView, type ProjectRole } from '@camel/contracts';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { confirmAction } from '../../shared/confirm-dialog.component';
import { DataTableComponent, RowActionsDirective } from '../../shared/data-table.component';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { ROLE_HINTS } from '../../shared/roles';
import { injectMembersList } from './members-list';

/**
 * Projects → Members: who holds which role in one project, live. Adding (by email), changing roles
 * and removing show only to those who manage members there.
 */
@Component({
  selector: 'camel-members-page',
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
    ProjectPickerComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>Members{{ picker()?.selectedName() ? ' of ' + picker()?.selectedName() : '' }}</h1>
      <div class="head-actions">
        <camel-project-picker
          [selected]="projectId()"
          [requires]="readProject"
          testId="members-project-picker"
          (picked)="open($event)"
        />
        @if (canManageKeys()) {
          <a mat-button data-testid="members-api-keys-link" [routerLink]="['/projects', projectId(), 'api-keys']">API keys</a>
        }
      </div>
    </div>

    @if (canManage()) {
      <form class="camel-card add" [formGroup]="form" (ngSubmit)="add()" aria-labelledby="add-member-heading" data-testid="add-member-form">
        <h2 id="add-member-heading">Add a member</h2>
        <div class="fields">
          <mat-form-field class="grow">
            <mat-label>Email of an existing user</mat-label>
            <input matInput type="email" formControlName="email" autocomplete="off" [maxlength]="emailMax" data-testid="add-member-email" />
            <mat-error data-testid="add-member-email-error">{{ errors()['email'] }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Role</mat-label>
            <mat-select formControlName="role" data-testid="add-member-role">
              @for (role of roles; track role) {
                <mat-option [value]="role" [attr.data-testid]="'role-option-' + role">{{ role }}</mat-option>
              }
            </mat-select>
            <mat-hint>{{ roleHints[form.controls.role.value] }}</mat-hint>
          </mat-form-field>
          <button mat-flat-button type="submit" data-testid="add-member-submit" [disabled]="adding()">Add</button>
        </div>
      </form>
    }

    <section class="camel-card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <camel-data-table
        [rows]="store.items()"
        [columns]="columns"
        [trackBy]="trackByUser"
        [state]="store.state()"
        [notLive]="store.notLive()"
        noun="members"
        emptyText="No members yet."
        testId="member-table"
        emptyTestId="members-empty"
        notLiveTestId="members-not-live"
        (reload)="store.load(projectId())"
      >
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
          <td mat-cell *matCellDef="let member">{{ member.name || member.userId }}</td>
        </ng-container>
        <ng-container matColumnDef="email">
          <th mat-header-cell *matHeaderCellDef scope="col">Email</th>
          <td mat-cell *matCellDef="let member">{{ member.email }}</td>
        </ng-container>
        <ng-container matColumnDef="role">
          <th mat-header-cell *matHeaderCellDef scope="col">Role</th>
          <td mat-cell *matCellDef="let member">
            @if (canManage()) {
              <mat-select
                class="role-select"
                [value]="member.role"
                [disabled]="busy().has(member.userId)"
                (valueChange)="changeRole(member, $event)"
                data-testid="member-role-select"
                [attr.aria-label]="'Role of ' + member.name"
              >
                @for (role of roles; track role) {
                  <mat-option [value]="role" [attr.data-testid]="'role-option-' + role">{{ role }}</mat-option>
                }
              </mat-select>
            } @else {
              <span data-testid="member-role">{{ member.role }}</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="addedAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Member since</th>
          <td mat-cell *matCellDef="let member">
            <time [attr.datetime]="member.addedAt">{{ member.addedAt | date: 'medium' }}</time>
          </td>
        </ng-container>
        <ng-template camelRowActions let-member>
          @if (canManage()) {
            <button
              mat-button
              type="button"
              class="danger"
              data-testid="member-remove"
              [disabled]="busy().has(member.userId)"
              [attr.aria-label]="'Remove ' + member.name"
              (click)="remove(member)"
            >
              Remove
            </button>
          }
        </ng-template>
        <tr
          mat-row
          *matRowDef="let member; columns: columns"
          data-testid="member-row"
          [attr.data-user-id]="member.userId"
          [attr.data-email]="member.email"
          [attr.data-role]="member.role"
        ></tr>
      </camel-data-table>
    </section>
  `,
  styleUrl: '../../shared/project-page.scss',
})
export class MembersPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  protected readonly store = injectMembersList();

  /** Route parameter. */
  readonly projectId = input.required<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readProject = permissions.readProject;
  protected readonly roles = PROJECT_ROLES;
  protected readonly roleHints = ROLE_HINTS;
  protected readonly emailMax = EMAIL_MAX_LENGTH;
  protected readonly columns = ['name', 'email', 'role', 'addedAt', 'actions'];
  protected readonly canManage = computed(() => this.auth.canIn(permissions.manageMembers, this.projectId()));
  protected readonly canManageKeys = computed(() => this.auth.canIn(permissions.manageApiKeys, this.projectId()));
  protected readonly form = inject(FormBuilder).nonNullable.group({ email: '', role: 'viewer' as ProjectRole });
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly adding = signal(false);
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  protected readonly trackByUser = (_: number, member: MemberView) => member.userId;

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => void this.store.load(projectId));
    });
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/projects', projectId, 'members']);
  }

  protected async add(): Promise<void> {
    if (this.adding()) return;
    const { email, role } = this.form.getRawValue();
    this.adding.set(true);
    this.errors.set({});
    try {
      await this.api.addMember(this.projectId(), { email: email.trim(), role });
      this.form.reset({ email: '', role });
    } catch (error) {
      const errors = fieldErrors(error);
      this.errors.set(errors);
      if (errors['email']) {
        this.form.controls.email.setErrors({ server: errors['email'] });
        this.form.controls.email.markAsTouched();
      }
    } finally {
      this.adding.set(false);
    }
  }

  protected async changeRole(member: MemberView, role: ProjectRole): Promise<void> {
    if (role === member.role) return;
    await this.act(member, () => this.api.changeMemberRole(this.projectId(), member.userId, role));
  }

  protected async remove(member: MemberView): Promise<void> {
    const confirmed = await confirmAction(this.dialog, {
      title: 'Remove member?',
      message: `${member.name} (${member.email}) loses the ${member.role} role in this project and no longer sees it.`,
      confirm: 'Remove',
    });
    if (confirmed) await this.act(member, () => this.api.removeMember(this.projectId(), member.userId));
  }

  private async act(member: MemberView, action: () => Promise<unknown>): Promise<void> {
    this.busy.update((ids) => new Set([...ids, member.userId]));
    try {
      await action();
    } catch {
      // ApiService has shown the server's message; the list re-reads to undo a changed select.
      void this.store.load(this.projectId());
    } finally {
      this.busy.update((ids) => new Set([...ids].filter((id) => id !== member.userId)));
    }
  }
}
