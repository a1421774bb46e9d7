import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readConfigChoices } from './workflow-choices';

function sampleFiles(): Record<string, string> {
  const root = resolve(__dirname, '../../../../../configs');
  const files: Record<string, string> = { 'agents.yaml': readFileSync(join(root, 'agents.yaml'), 'utf8') };
  for (const name of readdirSync(join(root, 'workflows'))) files[`workflows/${name}`] = readFileSync(join(root, 'workflows', name), 'utf8');
  return files;
}

describe('readConfigChoices', () => {
  it("reads the samples' workflows (seats, task, limits), agents and providers", () => {
    const choices = readConfigChoices(sampleFiles());
    expect(choices.providers).toEqual(['local', 'openai']);
    expect(choices.workflows).toEqual([
      {
        name: 'propose_execute_review',
        path: 'workflows/propose-execute-review.yaml',
        type: 'pipeline',
        description: 'Plan, do, review; the review feeds the next plan.',
        taskPrompt: 'Write a Python function that parses ISO-8601 durations, with tests.',
        seats: ['proposer', 'executor', 'reviewer'],
        critic: null,
        maxTurns: null,
        maxIterations: 3,
      },
      expect.objectContaining({ name: 'stock_trading_bot', type: 'role_playing', seats: ['stock_trader', 'python_programmer'], maxTurns: 20, critic: null }),
    ]);
    expect(choices.agents['reviewer']).toEqual({ name: 'reviewer', role: 'Reviewer', provider: 'local', model: 'starter', temperature: 0 });
  });

  it('leaves out what it cannot read instead of failing', () => {
    const choices = readConfigChoices({
      'agents.yaml': 'agents: [',
      'workflows/a.yaml': 'name: a\ntype: role_playing\nuser: u\nassistant: v\ncritic: c\n',
      'workflows/b.yaml': 'name: b\ntype: unknown\n',
      'workflows/c.yaml': '- not a mapping',
    });
    expect(choices.agents).toEqual({});
    expect(choices.workflows.map((workflow) => [workflow.name, workflow.critic, workflow.taskPrompt])).toEqual([['a', 'c', '']]);
  });
});
