import { validateConfigSet } from './config-set';

const agents = (provider: string) => `version: 1
providers:
${provider}
agents:
  - name: helper
    role: Helper
    system_prompt: Help.
    model: { provider: mine, name: starter }
`;

describe('type: local providers', () => {
  it('need no base_url and no key', () => {
    const result = validateConfigSet({ 'agents.yaml': agents('  - id: mine\n    type: local') });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each([
    ['base_url', '    base_url: http://localhost:8000/v1'],
    ['api_key_env', '    api_key_env: SOME_KEY'],
  ])('refuse %s, naming it', (key, line) => {
    const result = validateConfigSet({ 'agents.yaml': agents(`  - id: mine\n    type: local\n${line}`) });
    expect(result.ok ? [] : result.problems).toEqual([expect.objectContaining({ code: 'config.local-provider', path: `providers[0].${key}`, line: 5 })]);
  });

  it('an openai provider still needs its base_url', () => {
    const result = validateConfigSet({ 'agents.yaml': agents('  - id: mine\n    type: openai') });
    expect(result.ok ? [] : result.problems).toEqual([expect.objectContaining({ path: 'providers[0].base_url' })]);
  });
});
