import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentsFile, WorkflowFile } from './config-schema';
import { parseAgentsFile, parseWorkflowFile, type ParseResult } from './parse-config';
import { checkReferences } from './references';

const configs = resolve(__dirname, '../../../../../configs');
const read = (path: string) => readFileSync(join(configs, path), 'utf8');
const SAMPLE_WORKFLOWS = ['workflows/stock-trading-role-play.yaml', 'workflows/propose-execute-review.yaml'];

function problems<T>(result: ParseResult<T>) {
  if (result.ok) throw new Error('expected the file to be refused');
  return result.problems;
}

function valid<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a valid file, got ${JSON.stringify(result.problems, null, 2)}`);
  return result.value;
}

const AGENTS = `version: 1
providers:
  - id: local
    type: openai
    base_url: http://localhost:8080/v1
agents:
  - name: alice
    role: Assistant
    system_prompt: Help.
    model:
      provider: local
      name: m
      temperature: 0.5
`;

describe('config files', () => {
  describe('the shipped samples', () => {
    it('are valid, and every reference resolves', () => {
      const agents = valid(parseAgentsFile('agents.yaml', read('agents.yaml')));
      const workflows = SAMPLE_WORKFLOWS.map((file) => ({ file, text: read(file), value: valid(parseWorkflowFile(file, read(file))) }));
      expect(agents.agents.map((a) => a.name)).toContain('python_programmer');
      expect(workflows.map((w) => w.value.type).sort()).toEqual(['pipeline', 'role_playing']);
      expect(checkReferences({ file: 'agents.yaml', text: read('agents.yaml'), value: agents }, workflows)).toEqual([]);
    });
  });

  describe('YAML errors, with line and column', () => {
    it('refuses tabs used as indentation', () => {
      const [problem] = problems(parseAgentsFile('agents.yaml', 'version: 1\nagents:\n\t- name: x\n'));
      expect(problem).toMatchObject({ file: 'agents.yaml', line: 3, column: 1, code: 'yaml.tab-indent' });
    });

    it('refuses duplicate keys, pointing at the second one', () => {
      const [problem] = problems(parseAgentsFile('agents.yaml', AGENTS.replace('    role: Assistant\n', '    role: Assistant\n    role: Again\n')));
      expect(problem).toMatchObject({ line: 9, column: 5, code: 'yaml.duplicate-key' });
    });

    it('bounds alias expansion (a "billion laughs" file is refused, not expanded)', () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) {
        levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
      }
      const [problem] = problems(parseAgentsFile('agents.yaml', `${levels.join('\n')}\n`));
      expect(problem.code).toBe('yaml.alias-limit');
    });

    it.each(['a: &a [*a]\n', 'a: &a { b: *a }\n', 'x: &x\n  y: [1, *x]\n'])('refuses an alias inside the value it names (%j), at the alias', (text) => {
      const [problem] = problems(parseAgentsFile('agents.yaml', text));
      expect(problem).toMatchObject({ file: 'agents.yaml', code: 'yaml.alias-cycle' });
    });

    it('refuses nesting deeper than 32 levels with one stable problem, before the parser could recurse', () => {
      const deep = `version: 1\nagents: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`;
      const started = Date.now();
      const found = problems(parseAgentsFile('agents.yaml', deep));
      expect(found).toEqual([expect.objectContaining({ line: 2, column: 40, code: 'yaml.too-deep' })]);
      expect(problems(parseAgentsFile('agents.yaml', deep))).toEqual(found);
      expect(Date.now() - started).toBeLessThan(1000);
      const atLimit = `version: 1\nagents: ${'['.repeat(31)}${']'.repeat(31)}\n`;
      expect(problems(parseAgentsFile('agents.yaml', atLimit)).map((p) => p.code)).not.toContain('yaml.too-deep');
    });

    it('refuses a file over 1 MB before parsing it', () => {
      const big = `${AGENTS}# ${'x'.repeat(1024 * 1024)}\n`;
      expect(problems(parseAgentsFile('agents.yaml', big))).toEqual([expect.objectContaining({ code: 'config.too-large', line: 1 })]);
    });

    it('parses a file just under 1 MB', () => {
      const padding = 1024 * 1024 - Buffer.byteLength(AGENTS) - 10;
      expect(parseAgentsFile('agents.yaml', `${AGENTS}# ${'x'.repeat(padding)}\n`).ok).toBe(true);
    });
  });

  describe('schema errors: every one listed, with its key path and position', () => {
    it('lists wrong types, out-of-range values and unknown keys together', () => {
      const text = AGENTS.replace('temperature: 0.5', 'temperature: hot\n      top_p: 3\n      colour: blue').replace('version: 1', 'version: 2');
      const found = problems(parseAgentsFile('agents.yaml', text));
      expect(found.map((p) => [p.path, p.code, p.line])).toEqual([
        ['version', 'config.invalid-value', 1],
        ['agents[0].model.temperature', 'config.invalid-value', 13],
        ['agents[0].model.top_p', 'config.invalid-value', 14],
        ['agents[0].model.colour', 'config.unknown-key', 15],
      ]);
      expect(found.find((p) => p.code === 'config.unknown-key')).toMatchObject({ column: 7, message: 'unknown key `colour`' });
      expect(found.find((p) => p.path === 'agents[0].model.top_p')?.message).toBe('agents[0].model.top_p must not be greater than 1');
      expect(found.find((p) => p.path === 'agents[0].model.temperature')?.message).toMatch(/^agents\[0\]\.model\.temperature must be a number/);
    });

    it('names a missing required key at its parent', () => {
      const found = problems(parseAgentsFile('agents.yaml', AGENTS.replace('    system_prompt: Help.\n', '')));
      expect(found).toEqual([expect.objectContaining({ path: 'agents[0].system_prompt', code: 'config.missing-key', line: 7, column: 5 })]);
    });

    it('refuses a provider key where the NAME of an environment variable belongs', () => {
      const found = problems(parseAgentsFile('agents.yaml', AGENTS.replace('base_url: http://localhost:8080/v1', 'base_url: http://localhost:8080/v1\n    api_key_env: sk-live-abc123')));
      expect(found).toEqual([expect.objectContaining({ path: 'providers[0].api_key_env', line: 6 })]);
    });

    it('refuses a workflow of unknown type, and a file that is not a mapping', () => {
      expect(problems(parseWorkflowFile('w.yaml', 'version: 1\nname: w\ntype: chat\n'))).toEqual([
        expect.objectContaining({ path: 'type', line: 3, code: 'config.invalid-value' }),
      ]);
      expect(problems(parseWorkflowFile('w.yaml', '- a\n- b\n'))[0].code).toBe('config.missing-key');
      expect(problems(parseAgentsFile('a.yaml', '- a\n'))[0].code).toBe('config.invalid-value');
    });
  });

  describe('references', () => {
    const agentsSource = () => ({ file: 'agents.yaml', text: AGENTS, value: valid(parseAgentsFile('agents.yaml', AGENTS)) as AgentsFile });
    const workflow = (text: string) => ({ file: 'w.yaml', text, value: valid(parseWorkflowFile('w.yaml', text)) as WorkflowFile });

    it('names an unknown provider of an agent', () => {
      const text = AGENTS.replace('provider: local', 'provider: elsewhere');
      const found = checkReferences({ file: 'agents.yaml', text, value: valid(parseAgentsFile('agents.yaml', text)) }, []);
      expect(found).toEqual([expect.objectContaining({ path: 'agents[0].model.provider', line: 11, code: 'config.reference' })]);
    });

    it('names unknown agents of a role-play, at their keys', () => {
      const text = 'version: 1\nname: rp\ntype: role_playing\nassistant: alice\nuser: bob\ntask_prompt: t\nmax_turns: 3\ncritic: carol\n';
      const found = checkReferences(agentsSource(), [workflow(text)]);
      expect(found.map((p) => [p.path, p.line])).toEqual([
        ['user', 5],
        ['critic', 8],
      ]);
    });

    it('checks pipeline steps: agents, duplicate ids, template variables and the stop step', () => {
      const text = [
        'version: 1',
        'name: p',
        'type: pipeline',
        'task_prompt: t',
        'max_iterations: 2',
        'steps:',
        '  - id: one',
        '    agent: alice',
        '    input: "{{previous.output}} {{task}}"',
        '  - id: one',
        '    agent: nobody',
        '    input: "{{steps.missing.output}} {{weather}}"',
        'stop:',
        '  step: three',
        '  contains: OK',
        '',
      ].join('\n');
      const found = checkReferences(agentsSource(), [workflow(text)]);
      expect(found.map((p) => [p.path, p.code, p.line])).toEqual([
        ['steps[0].input', 'config.template', 9],
        ['steps[1].id', 'config.duplicate-name', 10],
        ['steps[1].agent', 'config.reference', 11],
        ['steps[1].input', 'config.template', 12],
        ['steps[1].input', 'config.template', 12],
        ['stop.step', 'config.reference', 14],
      ]);
    });
  });
});
