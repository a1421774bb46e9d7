import { Injectable, inject } from '@angular/core';
import type {
  AddMemberRequest,
  ApiKeyCreatedResponse,
  ApiKeyView,
  AuditPage,
  AuditQuery,
  AuditVerifyResult,
  CommandAccepted,
  ConfigDiff,
  ConfigFiles,
  ConfigSetView,
  ConfigVersionView,
  CreateApiKeyRequest,
  CreateProjectRequest,
  CreateUserRequest,
  MemberView,
  PasswordResetResponse,
  ProjectList,
  ProjectRole,
  ProjectStatus,
  ProjectView,
  ReadinessReport,
  UpdateUserRequest,
  UserCreatedResponse,
  UserView,
  ValidateConfigResponse,
} from '@camel/contracts';
import { ApiError, type ReadList } from '@camel/console-data-access';
import { API_CLIENT } from './api-client';
import { AuthService } from './auth.service';
import { ToastService } from './toast.service';

/**
 * The api's REST client for components. Every failed request shows the server's message in a toast
 * and rejects with an `ApiError`, so a caller only handles what it shows in place (field errors).
 * A final 401 is not toasted: the session has ended and `AuthService` says so on the sign-in page.
 * A 403 means the roles the console knows are out of date: it asks who the user is again.
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly client = inject(API_CLIENT);
  private readonly toast = inject(ToastService);
  private readonly auth = inject(AuthService);

  // ---- projects ---------------------------------------------------------------------------------

  listProjects(status: ProjectStatus | 'all'): Promise<ProjectList> {
    return this.run(() => this.client.listProjects(status));
  }

  getProject(id: string): Promise<ProjectView> {
    return this.run(() => this.client.getProject(id));
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

  // ---- users ------------------------------------------------------------------------------------

  listUsers(): Promise<ReadList<UserView>> {
    return this.run(() => this.client.listUsers());
  }

  getUser(id: string): Promise<UserView> {
    return this.run(() => this.client.getUser(id));
  }

  createUser(request: CreateUserRequest): Promise<UserCreatedResponse> {
    return this.run(() => this.client.createUser(request));
  }

  updateUser(id: string, request: UpdateUserRequest): Promise<CommandAccepted> {
    return this.run(() => this.client.updateUser(id, request));
  }

  disableUser(id: string): Promise<CommandAccepted> {
    return this.run(() => this.client.disableUser(id));
  }

  enableUser(id: string): Promise<CommandAccepted> {
    return this.run(() => this.client.enableUser(id));
  }

  resetUserPassword(id: string): Promise<PasswordResetResponse> {
    return this.run(() => this.client.resetUserPassword(id));
  }

  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.run(() => this.client.changePassword({ currentPassword, newPassword }));
  }

  // ---- members ----------------------------------------------------------------------------------

  listMembers(projectId: string): Promise<ReadList<MemberView>> {
    return this.run(() => this.client.listMembers(projectId));
  }

  addMember(projectId: string, request: AddMemberRequest): Promise<CommandAccepted> {
    return this.run(() => this.client.addMember(projectId, request));
  }

  changeMemberRole(projectId: string, userId: string, role: ProjectRole): Promise<CommandAccepted> {
    return this.run(() => this.client.changeMemberRole(projectId, userId, role));
  }

  removeMember(projectId: string, userId: string): Promise<CommandAccepted> {
    return this.run(() => this.client.removeMember(projectId, userId));
  }

  // ---- API keys ---------------------------------------------------------------------------------

  listApiKeys(projectId: string): Promise<ReadList<ApiKeyView>> {
    return this.run(() => this.client.listApiKeys(projectId));
  }

  createApiKey(projectId: string, request: CreateApiKeyRequest): Promise<ApiKeyCreatedResponse> {
    return this.run(() => this.client.createApiKey(projectId, request));
  }

  revokeApiKey(projectId: string, keyId: string): Promise<CommandAccepted> {
    return this.run(() => this.client.revokeApiKey(projectId, keyId));
  }

  // ---- audit ------------------------------------------------------------------------------------

  listAudit(query: AuditQuery): Promise<AuditPage & { readonly position: number }> {
    return this.run(() => this.client.listAudit(query));
  }

  verifyAudit(projectId?: string): Promise<AuditVerifyResult> {
    return this.run(() => this.client.verifyAudit(projectId));
  }

  // ---- configs ----------------------------------------------------------------------------------

  getConfig(projectId: string): Promise<ConfigSetView> {
    return this.run(() => this.client.getConfig(projectId));
  }

  /** 400 `config.invalid` carries `ApiError.problems`; 409 `config.stale` the diff (`configStaleDetails`). */
  saveConfig(projectId: string, baseVersion: number, files: ConfigFiles, message: string): Promise<CommandAccepted> {
    return this.run(() => this.client.saveConfig(projectId, { baseVersion, files, message }));
  }

  validateConfig(projectId: string, files: ConfigFiles): Promise<ValidateConfigResponse> {
    return this.run(() => this.client.validateConfig(projectId, files));
  }

  listConfigVersions(projectId: string): Promise<ReadList<ConfigVersionView>> {
    return this.run(() => this.client.listConfigVersions(projectId));
  }

  getConfigVersion(projectId: string, version: number): Promise<ConfigSetView> {
    return this.run(() => this.client.getConfigVersion(projectId, version));
  }

  restoreConfigVersion(projectId: string, version: number, baseVersion: number, message?: string): Promise<CommandAccepted> {
    return this.run(() => this.client.restoreConfigVersion(projectId, version, { baseVersion, ...(message ? { message } : {}) }));
  }

  diffConfig(projectId: string, from: number, to: number): Promise<ConfigDiff> {
    return this.run(() => this.client.diffConfig(projectId, from, to));
  }

  exportConfig(projectId: string): Promise<string> {
    return this.run(() => this.client.exportConfig(projectId));
  }

  importConfig(projectId: string, baseVersion: number, bundle: string, message?: string): Promise<CommandAccepted> {
    return this.run(() => this.client.importConfig(projectId, { baseVersion, bundle, ...(message ? { message } : {}) }));
  }

  // ---- health -----------------------------------------------------------------------------------

  /** A 503 is an answer (the report says what is down); only an unreachable api rejects. */
  readiness(): Promise<{ httpStatus: number; report: ReadinessReport }> {
    return this.run(() => this.client.readiness());
  }

  /** Runs a request of the shared client with this service's error handling (for services of lazy pages). */
  call<T>(request: () => Promise<T>): Promise<T> {
    return this.run(request);
  }

  private async run<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) this.toast.error(error);
      if (error instanceof ApiError && error.status === 403) void this.auth.reloadMe();
      throw error;
    }
  }
}
