/**
 * The agents.yaml and workflow YAML that tests save as a project's config: one local OpenAI-compatible
 * provider (the test LLM server at `baseUrl`, its key read from `keyEnv`) and agents from a small
 * catalog, so suites and e2e specs do not each write the same files.
 */
export interface TestAgent {
  readonly name: string;
  readonly role: string;
  readonly systemPrompt: string;
  /** Model name at the local provider. */
  readonly model: string;
  readonly temperature?: number;
}

/** The agents tests use; `{ ...TEST_AGENTS.programmer, temperature: 0.2 }` varies one. */
export const TEST_AGENTS = {
  programmer: { name: 'programmer', role: 'Python Programmer', systemPrompt: 'You write Python.', model: 'coder-1' },
  trader: { name: 'trader', role: 'Stock Trader', systemPrompt: 'You trade stocks.', model: 'trader-1' },
  specifier: { name: 'specifier', role: 'Task Specifier', systemPrompt: 'You make tasks specific.', model: 'spec-1' },
  codeReviewer: { name: 'reviewer', role: 'Code Reviewer', systemPrompt: 'You review code.', model: 'review-1' },
  judge: { name: 'judge', role: 'Judge', systemPrompt: 'You judge answers strictly.', model: 'judge-1', temperature: 0 },
} as const satisfies Record<string, TestAgent>;

const agentYaml = (agent: TestAgent) =>
  `  - name: ${agent.name}
    role: ${agent.role}
    system_prompt: ${agent.systemPrompt}
    model: { provider: local, name: ${agent.model}${agent.temperature === undefined ? '' : `, temperature: ${agent.temperature}`} }
`;

/** agents.yaml with the one local provider and these agents (in this order). */
export function testAgentsYaml(baseUrl: string, keyEnv: string, agents: readonly TestAgent[]): string {
  return `version: 1
providers:
  - id: local
    type: openai
    base_url: ${baseUrl}
    api_key_env: ${keyEnv}
agents:
${agents.map(agentYaml).join('')}`;
}

/** A role-playing workflow (the trading bot task by default: programmer assists, trader asks). */
export function rolePlayWorkflowYaml(options: { readonly maxTurns: number; readonly name?: string; readonly task?: string; readonly assistant?: string; readonly user?: string }): string {
  return `version: 1
name: ${options.name ?? 'trading'}
type: role_playing
assistant: ${options.assistant ?? 'programmer'}
user: ${options.user ?? 'trader'}
task_prompt: ${options.task ?? 'Develop a trading bot for the stock market.'}
max_turns: ${options.maxTurns}
`;
}
