import { Injectable, inject } from '@angular/core';
import type { CommandAccepted, CreateProjectRequest, ProjectList, ProjectStatus, ReadinessReport } from '@camel/contracts';
import { ApiClient } from '@camel/console-data-access';
import { ToastService } from './toast.service';

/**
 * The api's REST client for components. Every failed request shows the server's message in a toast
 * and rejects with an `ApiError`, so a caller only handles what it shows in place (field errors).
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly client = new ApiClient();
  private readonly toast = inject(ToastService);

  listProjects(status: ProjectStatus | 'all'): Promise<ProjectList> {
    return this.run(() => this.client.listProjects(status));
  }

  createProject(request: CreateProjectRequest): Promise<CommandAccepted> {
    return this.run(() => this.client.createProject(request));
  }

  renameProject(id: string, name: string): Promise<CommandAccepted> {
    return this.run(() => this.client.renameProject(id, { name }));
  }

  archiveProject(id: string): Promise<CommandAccepted> {
    return this.run(() => this.client.archiveProject(id));
  }

  /** A 503 is an answer (the report says what is down); only an unreachable api rejects. */
  readiness(): Promise<{ httpStatus: number; report: ReadinessReport }> {
    return this.run(() => this.client.readiness());
  }

  private async run<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      this.toast.error(error);
      throw error;
    }
  }
}
