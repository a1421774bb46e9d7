/** What a person would do in the console before the runs: sign in, create a project, save its config, start runs. */

export const OWNER = { email: 'bench@example.test', password: 'bench-owner-password-1' } as const;
export const LLM_KEY_ENV = 'BENCH_LLM_KEY';

const agents = (llmUrl: string) => `version: 1
providers:
  - id: local
    type: openai
    base_url: ${llmUrl}
    api_key_env: ${LLM_KEY_ENV}
agents:
  - name: programmer
    role: Python Programmer
    system_prompt: You write Python.
    model: { provider: local, name: coder-1, temperature: 0.2 }
  - name: trader
    role: Stock Trader
    system_prompt: You trade stocks.
    model: { provider: local, name: trader-1 }
`;

const rolePlay = (maxTurns: number) => `version: 1
name: trading
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot for the stock market.
max_turns: ${maxTurns}
`;

export class BenchApiClient {
  private token = '';

  constructor(private readonly baseUrl: string) {}

  async request<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Signs in, creates the project and saves the role-play config; returns the project id. */
  async prepare(llmUrl: string, maxTurns: number): Promise<string> {
    this.token = (await this.request<{ accessToken: string }>('POST', '/api/auth/login', OWNER)).accessToken;
    const projectId = (await this.request<{ id: string }>('POST', '/api/projects', { name: 'Bench' }, 201)).id;
    const files = { 'agents.yaml': agents(llmUrl), 'workflows/trading.yaml': rolePlay(maxTurns) };
    await this.request('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files, message: 'bench' }, 201);
    return projectId;
  }

  /** Starts `count` runs at once, as many clients would (`maxTurns` overrides the workflow's). */
  startRuns(projectId: string, count: number, maxTurns?: number): Promise<string[]> {
    const body = { workflow: 'trading', ...(maxTurns === undefined ? {} : { overrides: { maxTurns } }) };
    return Promise.all(Array.from({ length: count }, async () => (await this.request<{ id: string }>('POST', `/api/projects/${projectId}/runs`, body, 201)).id));
  }
}
