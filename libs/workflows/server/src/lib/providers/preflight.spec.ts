import type { AgentConfig, PipelineWorkflow, ProviderConfig, RolePlayingWorkflow, ValidConfigSet } from '@camel/configs';
import { agentsOf, preflight } from './preflight';

const provider = (id: string, api_key_env?: string): ProviderConfig => ({ id, type: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key_env });
const agent = (name: string, providerId: string): AgentConfig => ({ name, role: name, system_prompt: 'x', model: { provider: providerId, name: 'm' } });
const configSet: ValidConfigSet = {
  agents: {
    version: 1,
    providers: [provider('openai', 'OPENAI_API_KEY'), provider('other', 'OTHER_KEY'), provider('local')],
    agents: [agent('assistant', 'openai'), agent('user', 'openai'), agent('critic', 'other'), agent('specifier', 'local'), agent('stray', 'missing')],
  },
  workflows: {},
};
const rolePlay = (overrides: Partial<RolePlayingWorkflow> = {}): RolePlayingWorkflow =>
  ({ version: 1, name: 'rp', type: 'role_playing', assistant: 'assistant', user: 'user', task_prompt: 't', max_turns: 3, ...overrides }) as RolePlayingWorkflow;

describe('preflight', () => {
  it('names every provider whose key variable is missing, once each', () => {
    expect(preflight(configSet, rolePlay({ critic: 'critic', task_specify: { agent: 'specifier' } }), {})).toEqual([
      { code: 'not_configured', provider: 'openai', agent: 'assistant', message: 'provider openai: OPENAI_API_KEY is not set' },
      { code: 'not_configured', provider: 'other', agent: 'critic', message: 'provider other: OTHER_KEY is not set' },
    ]);
  });

  it('is empty when every key is set (an empty value counts as not set)', () => {
    expect(preflight(configSet, rolePlay(), { OPENAI_API_KEY: 'sk-1' })).toEqual([]);
    expect(preflight(configSet, rolePlay(), { OPENAI_API_KEY: ' ' })).toHaveLength(1);
  });

  it('names unknown agents and providers', () => {
    const pipeline = { version: 1, name: 'pl', type: 'pipeline', task_prompt: 't', max_iterations: 1, steps: [{ id: 's1', agent: 'ghost', input: '{{task}}' }, { id: 's2', agent: 'stray', input: 'x' }] } as PipelineWorkflow;
    expect(preflight(configSet, pipeline, {}).map((problem) => problem.message)).toEqual([
      'workflow pl: agent "ghost" is not in agents.yaml',
      'agent stray: provider "missing" is not in agents.yaml',
    ]);
  });

  it('lists the agents a workflow calls', () => {
    expect(agentsOf(rolePlay({ critic: 'critic', task_specify: { agent: 'assistant' } }))).toEqual(['assistant', 'user', 'critic']);
  });
});
