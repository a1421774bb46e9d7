import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAgentModels, setAgentModel, type AgentModelParams } from './agent-model';
import { matchLines } from './config-merge';

const sample = readFileSync(join(__dirname, '../../../../../configs/agents.yaml'), 'utf8');

/** The lines a minimal line diff removes and adds. */
const changedLines = (before: string, after: string) => {
  const a = before.split('\n');
  const b = after.split('\n');
  const toB = matchLines(a, b);
  const kept = new Set(toB.filter((index) => index >= 0));
  return { removed: a.filter((_, i) => toB[i] < 0), added: b.filter((_, i) => !kept.has(i)) };
};

describe('agent model parameters in agents.yaml', () => {
  it('reads every agent of the sample with its model parameters and the provider ids', () => {
    const read = readAgentModels(sample);
    if (!read.ok) throw new Error(read.message);
    expect(read.providers).toEqual(['local', 'openai']);
    expect(read.agents.map((agent) => agent.name)).toEqual(['python_programmer', 'stock_trader', 'task_specifier', 'proposer', 'executor', 'reviewer']);
    expect(read.agents[1]?.model).toEqual({
      provider: 'local',
      name: 'starter',
      temperature: 0.7,
      top_p: null,
      max_tokens: 200,
      stop: ['<CAMEL_TASK_DONE>'],
    });
  });

  it('changes only the edited keys and keeps comments, block scalars and flow lists', () => {
    const read = readAgentModels(sample);
    if (!read.ok) throw new Error(read.message);
    const trader = read.agents[1];
    if (!trader) throw new Error('no agent #2');
    const edited = setAgentModel(sample, 1, { ...trader.model, temperature: 0.4, top_p: 0.9, stop: ['<CAMEL_TASK_DONE>', 'STOP'] });
    if (!edited.ok) throw new Error(edited.message);
    expect(changedLines(sample, edited.text)).toEqual({
      removed: ['      temperature: 0.7', '      stop: ["<CAMEL_TASK_DONE>"]'],
      added: ['      temperature: 0.4', '      top_p: 0.9', '      stop: ["<CAMEL_TASK_DONE>", "STOP"]'],
    });
    expect(edited.text).toContain('# Agents and the model providers they use (format: docs/configs.md).');
    expect(edited.text).toContain('    system_prompt: |\n      You trade equities');
    const again = readAgentModels(edited.text);
    expect(again.ok && again.agents[1]?.model).toEqual({ ...trader.model, temperature: 0.4, top_p: 0.9, stop: ['<CAMEL_TASK_DONE>', 'STOP'] });
  });

  it('leaves the text as it is when nothing changed, and removes optional keys set to null', () => {
    const read = readAgentModels(sample);
    if (!read.ok) throw new Error(read.message);
    const programmer = read.agents[0];
    if (!programmer) throw new Error('no agent #1');
    expect(setAgentModel(sample, 0, programmer.model)).toEqual({ ok: true, text: sample });
    const edited = setAgentModel(sample, 0, { ...programmer.model, top_p: null, max_tokens: 2048 });
    if (!edited.ok) throw new Error(edited.message);
    expect(changedLines(sample, edited.text)).toEqual({ removed: ['      top_p: 1', '      max_tokens: 256'], added: ['      max_tokens: 2048'] });
  });

  it('adds a model block to an agent without one, and keeps unindented sequences unindented', () => {
    const source = ['version: 1', 'agents:', '- name: a', '  role: A  # the only one', ''].join('\n');
    const params: AgentModelParams = { provider: 'openai', name: 'gpt-4o', temperature: 1, top_p: null, max_tokens: null, stop: ['X'] };
    const edited = setAgentModel(source, 0, params);
    if (!edited.ok) throw new Error(edited.message);
    expect(edited.text).toBe(
      ['version: 1', 'agents:', '- name: a', '  role: A # the only one', '  model:', '    provider: openai', '    name: gpt-4o', '    temperature: 1', '    stop: ["X"]', ''].join('\n'),
    );
  });

  it('refuses text that does not parse, or an agent that is not there', () => {
    expect(readAgentModels('agents: [\n')).toMatchObject({ ok: false, message: expect.stringContaining('does not parse') });
    const params: AgentModelParams = { provider: 'p', name: 'n', temperature: null, top_p: null, max_tokens: null, stop: null };
    expect(setAgentModel('agents:\n\tbad', 0, params)).toMatchObject({ ok: false });
    expect(setAgentModel('agents: []\n', 3, params)).toEqual({ ok: false, message: 'agents.yaml has no agent #4.' });
  });
});
