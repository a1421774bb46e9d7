import {
  READ_POSITION_HEADER,
  type ApiErrorBody,
  type CommandAccepted,
  type CreateProjectRequest,
  type ProjectList,
  type ProjectStatus,
  type ProjectView,
  type ReadinessReport,
  type RenameProjectRequest,
} from '@camel/contracts';

/** A failed request, carrying the server's error body (message, code, offending fields). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  /** The message for a person: the server's (it already names the offending fields). */
  get displayMessage(): string {
    return this.body.message || `${this.status} ${this.body.error}`;
  }
}

export interface ApiClientOptions {
  /** Origin of the api; '' (default) = same origin as the page. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

/**
 * Typed REST client of the api; request and response types come from `@camel/contracts`, the same
 * types the api's controllers return. Every non-2xx answer throws an `ApiError`.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The list and the read position to follow `{ kind: 'type', prefix: 'Project' }` from. */
  async listProjects(status: ProjectStatus | 'all' = 'active'): Promise<ProjectList> {
    const { body, headers } = await this.send<ProjectView[]>('GET', `/api/projects?status=${encodeURIComponent(status)}`);
    return { projects: body, position: Number(headers.get(READ_POSITION_HEADER) ?? 0) };
  }

  getProject(id: string): Promise<ProjectView> {
    return this.request('GET', `/api/projects/${encodeURIComponent(id)}`);
  }

  createProject(body: CreateProjectRequest): Promise<CommandAccepted> {
    return this.request('POST', '/api/projects', body);
  }

  renameProject(id: string, body: RenameProjectRequest): Promise<CommandAccepted> {
    return this.request('PATCH', `/api/projects/${encodeURIComponent(id)}`, body);
  }

  archiveProject(id: string): Promise<CommandAccepted> {
    return this.request('POST', `/api/projects/${encodeURIComponent(id)}/archive`);
  }

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

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body)).body;
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    const response = await this.fetchOrThrow(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const errorBody =
        parsed && typeof parsed === 'object' && 'message' in parsed
          ? (parsed as ApiErrorBody)
          : { statusCode: response.status, error: response.statusText, message: `${response.status} ${response.statusText}` };
      throw new ApiError(response.status, errorBody);
    }
    return { body: parsed as T, headers: response.headers };
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
