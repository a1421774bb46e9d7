import {
  type AcceptInviteRequest,
  type AddMemberRequest,
  type ApiErrorBody,
  type ApiKeyCreatedResponse,
  type ApiKeyView,
  type AuditPage,
  type AuditQuery,
  type AuditVerifyResult,
  type ChangePasswordRequest,
  type ImportConfigRequest,
  type CommandAccepted,
  type ConfigDiff,
  type ConfigFiles,
  type ConfigSetView,
  type ConfigVersionView,
  type CreateApiKeyRequest,
  type CreateProjectRequest,
  type CreateUserRequest,
  type LoginRequest,
  type Me,
  type MemberView,
  type PasswordResetResponse,
  type ProjectList,
  type ProjectRole,
  type ProjectStatus,
  type ProjectView,
  type ReadinessReport,
  type RenameProjectRequest,
  type RestoreConfigRequest,
  type SaveConfigRequest,
  type TokenResponse,
  type UpdateUserRequest,
  type UserCreatedResponse,
  type UserView,
  type ValidateConfigResponse,
} from '@camel/contracts';
import { ApiError } from './api-error';
import { queryString, readPosition, safeJson } from './http';

export { ApiError } from './api-error';

/**
 * Obtains a fresh access token after a 401 (the console: POST /api/auth/refresh with its cookie).
 * Resolves to the new token, or null when the session is over (then the 401 stands).
 */
export type AccessTokenRefresher = () => Promise<string | null>;

export interface ApiClientOptions {
  /** Origin of the api; '' (default) = same origin as the page. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Initial bearer token: an access token or an API key. */
  readonly accessToken?: string | null;
  /** Called (one at a time) when a request with a token answers 401; see `renewAccessToken`. */
  readonly refreshAccessToken?: AccessTokenRefresher;
}

/** A list read from a read model and the position to follow its events from. */
export interface ReadList<T> {
  readonly items: T[];
  /** The `x-read-position` header: every event up to here is reflected in `items` (0 when absent). */
  readonly position: number;
}

interface RequestOptions {
  /** Auth endpoints themselves: a 401 there is the answer, not a reason to refresh. */
  readonly retryOn401?: boolean;
  /** The `accept` header (default application/json). */
  readonly accept?: string;
  /** A successful answer is returned as text, not parsed as JSON. */
  readonly text?: boolean;
}

/** How `exchange` reads the answer: the accepted type, as text (a file) instead of JSON. */
export type ExchangeOptions = Pick<RequestOptions, 'accept' | 'text'>;

const encode = encodeURIComponent;
const configsPath = (projectId: string) => `/api/projects/${encode(projectId)}/configs`;
/**
 * Typed REST client of the api; request and response types come from `@camel/contracts`, the same
 * types the api's controllers return. Every non-2xx answer throws an `ApiError`.
 *
 * Auth: every request carries `Authorization: Bearer <token>` when a token is set, and same-origin
 * cookies (the refresh cookie is scoped to /api/auth). A request answered 401 is retried once after
 * `renewAccessToken()`, which runs one refresh at a time however many requests failed together.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private token: string | null;
  private refresher: AccessTokenRefresher | undefined;
  private refreshing: Promise<string | null> | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.token = options.accessToken ?? null;
    this.refresher = options.refreshAccessToken;
  }

  get accessToken(): string | null {
    return this.token;
  }

  /** The bearer token for the next requests (null = none). */
  setAccessToken(token: string | null): void {
    this.token = token;
  }

  setAccessTokenRefresher(refresher: AccessTokenRefresher | undefined): void {
    this.refresher = refresher;
  }

  /**
   * Single-flight refresh: every caller while one refresh runs gets that refresh's result. The new
   * token (or null) becomes the client's token.
   */
  renewAccessToken(): Promise<string | null> {
    const refresher = this.refresher;
    if (!refresher) return Promise.resolve(null);
    this.refreshing ??= (async () => {
      try {
        const token = await refresher();
        this.token = token;
        return token;
      } catch {
        return null;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  // ---- auth -------------------------------------------------------------------------------------

  login(body: LoginRequest): Promise<TokenResponse> {
    return this.request('POST', '/api/auth/login', body, { retryOn401: false });
  }

  /** Browsers omit the token: the HttpOnly `camel_refresh` cookie is sent instead. */
  refresh(refreshToken?: string): Promise<TokenResponse> {
    return this.request('POST', '/api/auth/refresh', refreshToken ? { refreshToken } : {}, { retryOn401: false });
  }

  /** Ends the session of the current token and/or cookie. */
  async logout(): Promise<void> {
    await this.request('POST', '/api/auth/logout', undefined, { retryOn401: false });
  }

  me(): Promise<Me> {
    return this.request('GET', '/api/auth/me');
  }

  async changePassword(body: ChangePasswordRequest): Promise<void> {
    await this.request('POST', '/api/auth/password', body);
  }

  /** Sets the password of an invited user (or after a reset) and signs in. */
  acceptInvite(body: AcceptInviteRequest): Promise<TokenResponse> {
    return this.request('POST', '/api/auth/accept-invite', body, { retryOn401: false });
  }

  // ---- users (owner) ----------------------------------------------------------------------------

  async listUsers(): Promise<ReadList<UserView>> {
    return this.list<UserView>('/api/users');
  }

  getUser(id: string): Promise<UserView> {
    return this.request('GET', `/api/users/${encode(id)}`);
  }

  /** Without a password the answer carries a one-time invite token. */
  createUser(body: CreateUserRequest): Promise<UserCreatedResponse> {
    return this.request('POST', '/api/users', body);
  }

  updateUser(id: string, body: UpdateUserRequest): Promise<CommandAccepted> {
    return this.request('PATCH', `/api/users/${encode(id)}`, body);
  }

  disableUser(id: string): Promise<CommandAccepted> {
    return this.request('POST', `/api/users/${encode(id)}/disable`);
  }

  enableUser(id: string): Promise<CommandAccepted> {
    return this.request('POST', `/api/users/${encode(id)}/enable`);
  }

  /** The answer carries a one-time reset token (used at /accept-invite like an invite). */
  resetUserPassword(id: string): Promise<PasswordResetResponse> {
    return this.request('POST', `/api/users/${encode(id)}/reset-password`);
  }

  // ---- project members --------------------------------------------------------------------------

  listMembers(projectId: string): Promise<ReadList<MemberView>> {
    return this.list<MemberView>(`/api/projects/${encode(projectId)}/members`);
  }

  addMember(projectId: string, body: AddMemberRequest): Promise<CommandAccepted> {
    return this.request('POST', `/api/projects/${encode(projectId)}/members`, body);
  }

  changeMemberRole(projectId: string, userId: string, role: ProjectRole): Promise<CommandAccepted> {
    return this.request('PATCH', `/api/projects/${encode(projectId)}/members/${encode(userId)}`, { role });
  }

  removeMember(projectId: string, userId: string): Promise<CommandAccepted> {
    return this.request('DELETE', `/api/projects/${encode(projectId)}/members/${encode(userId)}`);
  }

  // ---- API keys ---------------------------------------------------------------------------------

  listApiKeys(projectId: string): Promise<ReadList<ApiKeyView>> {
    return this.list<ApiKeyView>(`/api/projects/${encode(projectId)}/api-keys`);
  }

  /** The answer holds the whole key: it is never shown again. */
  createApiKey(projectId: string, body: CreateApiKeyRequest): Promise<ApiKeyCreatedResponse> {
    return this.request('POST', `/api/projects/${encode(projectId)}/api-keys`, body);
  }

  revokeApiKey(projectId: string, keyId: string): Promise<CommandAccepted> {
    return this.request('DELETE', `/api/projects/${encode(projectId)}/api-keys/${encode(keyId)}`);
  }

  // ---- audit ------------------------------------------------------------------------------------

  /** Newest first; `position` is the read position to follow new entries from. */
  async listAudit(query: AuditQuery = {}): Promise<AuditPage & { readonly position: number }> {
    const { body, headers } = await this.send<AuditPage>('GET', `/api/audit${queryString({ ...query })}`);
    return { ...body, position: readPosition(headers) };
  }

  verifyAudit(projectId?: string): Promise<AuditVerifyResult> {
    return this.request('POST', `/api/audit/verify${queryString({ projectId })}`);
  }

  // ---- projects ---------------------------------------------------------------------------------

  /** The list and the read position to follow `{ kind: 'type', prefix: 'Project' }` from. */
  async listProjects(status: ProjectStatus | 'all' = 'active'): Promise<ProjectList> {
    const { body, headers } = await this.send<ProjectView[]>('GET', `/api/projects?status=${encode(status)}`);
    return { projects: body, position: readPosition(headers) };
  }

  getProject(id: string): Promise<ProjectView> {
    return this.request('GET', `/api/projects/${encode(id)}`);
  }

  createProject(body: CreateProjectRequest): Promise<CommandAccepted> {
    return this.request('POST', '/api/projects', body);
  }

  renameProject(id: string, body: RenameProjectRequest): Promise<CommandAccepted> {
    return this.request('PATCH', `/api/projects/${encode(id)}`, body);
  }

  archiveProject(id: string): Promise<CommandAccepted> {
    return this.request('POST', `/api/projects/${encode(id)}/archive`);
  }

  // ---- configs (agents.yaml + workflows/*.yaml, versioned per project) ------------------------------

  /** The latest set (version 0 and no files before the first save). */
  getConfig(projectId: string): Promise<ConfigSetView> {
    return this.request('GET', configsPath(projectId));
  }

  /**
   * Saves the whole set as a new version on top of `baseVersion`. Refused with 400 `config.invalid`
   * (`ApiError.problems`) or 409 `config.stale` (`configStaleDetails(error)`: the diff to the latest).
   */
  saveConfig(projectId: string, body: SaveConfigRequest): Promise<CommandAccepted> {
    return this.request('POST', configsPath(projectId), body);
  }

  /** Validates a set without saving it (appends nothing). */
  validateConfig(projectId: string, files: ConfigFiles): Promise<ValidateConfigResponse> {
    return this.request('POST', `${configsPath(projectId)}/validate`, { files });
  }

  /** Every version, newest first, without files; `position` is the read position when the api sends one (else 0). */
  listConfigVersions(projectId: string): Promise<ReadList<ConfigVersionView>> {
    return this.list<ConfigVersionView>(`${configsPath(projectId)}/versions`);
  }

  getConfigVersion(projectId: string, version: number): Promise<ConfigSetView> {
    return this.request('GET', `${configsPath(projectId)}/versions/${encode(String(version))}`);
  }

  /** Appends `version`'s files as a new version (409 `config.stale` when `baseVersion` is not the latest). */
  restoreConfigVersion(projectId: string, version: number, body: RestoreConfigRequest): Promise<CommandAccepted> {
    return this.request('POST', `${configsPath(projectId)}/versions/${encode(String(version))}/restore`, body);
  }

  /** Line diff between two versions (0 = the empty set). */
  diffConfig(projectId: string, from: number, to: number): Promise<ConfigDiff> {
    return this.request('GET', `${configsPath(projectId)}/diff${queryString({ from, to })}`);
  }

  /** The latest set as one YAML bundle (text, as downloaded). */
  async exportConfig(projectId: string): Promise<string> {
    const { body } = await this.send<string>('GET', `${configsPath(projectId)}/export`, undefined, { accept: 'application/yaml', text: true });
    return body;
  }

  /** Imports a bundle as one new version, all or nothing (400 with every problem). */
  importConfig(projectId: string, body: ImportConfigRequest): Promise<CommandAccepted> {
    return this.request('POST', `${configsPath(projectId)}/import`, body);
  }

  // ---- health -----------------------------------------------------------------------------------

  /** Readiness answers 503 with the same report when something is down: both are returned. */
  async readiness(): Promise<{ httpStatus: number; report: ReadinessReport }> {
    const response = await this.fetchOrThrow('/health/ready', { headers: { accept: 'application/json' } });
    const report = safeJson(await response.text());
    if (!report || typeof report !== 'object' || !('status' in report)) {
      // e.g. a proxy's 502 page while the api is down
      throw new ApiError(response.status, {
        statusCode: response.status,
        error: response.statusText,
        message: `Readiness answered ${response.status} without a health report.`,
      });
    }
    return { httpStatus: response.status, report: report as ReadinessReport };
  }

  /**
   * Any route, with this client's auth and errors: the answer's body and headers. For typed
   * clients of one area built on this one (`RunsClient`).
   */
  exchange<T>(method: string, path: string, body?: unknown, options?: ExchangeOptions): Promise<{ body: T; headers: Headers }> {
    return this.send<T>(method, path, body, options);
  }

  /**
   * A request whose answer is read as it arrives (server-sent events): the response of a 2xx, with
   * this client's auth (a 401 is retried once after a refresh) and `headers` added. A non-2xx
   * answer throws an `ApiError` like any request.
   */
  openStream(method: string, path: string, body: unknown, headers: Readonly<Record<string, string>> = {}, signal?: AbortSignal): Promise<Response> {
    const open = async (token: string | null): Promise<Response> => {
      const response = await this.fetchOrThrow(path, {
        method,
        credentials: 'same-origin',
        signal,
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          ...headers,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw errorOf(response, await response.text());
      return response;
    };
    return this.withRenewal(open);
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private async list<T>(path: string): Promise<ReadList<T>> {
    const { body, headers } = await this.send<T[]>('GET', path);
    return { items: body, position: readPosition(headers) };
  }

  private async request<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await this.send<T>(method, path, body, options)).body;
  }

  private send<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    return this.withRenewal((token) => this.sendOnce<T>(method, path, body, token, options), options.retryOn401 !== false);
  }

  /** Runs `attempt` with the current token; a 401 is retried once with a renewed (or meanwhile renewed) token. */
  private async withRenewal<R>(attempt: (token: string | null) => Promise<R>, retryOn401 = true): Promise<R> {
    const sentWith = this.token;
    try {
      return await attempt(sentWith);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401 || !retryOn401 || !this.refresher) throw error;
      // Another request may have refreshed while this one was in flight: use its token.
      const token = this.token !== sentWith && this.token ? this.token : await this.renewAccessToken();
      if (!token) throw error;
      return attempt(token);
    }
  }

  private async sendOnce<T>(
    method: string,
    path: string,
    body: unknown,
    token: string | null,
    options: RequestOptions,
  ): Promise<{ body: T; headers: Headers }> {
    const response = await this.fetchOrThrow(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: options.accept ?? 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok && options.text) return { body: text as T, headers: response.headers };
    if (!response.ok) throw errorOf(response, text);
    return { body: (text ? safeJson(text) : undefined) as T, headers: response.headers };
  }

  /** A request that could not be made at all (server down, network) is an ApiError with status 0. */
  private async fetchOrThrow(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, init);
    } catch (error) {
      throw new ApiError(0, {
        statusCode: 0,
        error: 'Network Error',
        message: `The server could not be reached (${(error as Error).message}).`,
      });
    }
  }
}

/** The `ApiError` of a non-2xx answer: the api's error body, or one made of the status line. */
function errorOf(response: Response, text: string): ApiError {
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (parsed && typeof parsed === 'object' && 'message' in parsed) return new ApiError(response.status, parsed as ApiErrorBody);
  // OpenAI-compatible routes (/v1) answer `{ error: { message, type } }`.
  const openAi = (parsed as { error?: { message?: unknown; type?: unknown } } | undefined)?.error;
  const message = typeof openAi?.message === 'string' ? openAi.message : `${response.status} ${response.statusText}`;
  return new ApiError(response.status, { statusCode: response.status, error: typeof openAi?.type === 'string' ? openAi.type : response.statusText, message });
}
