import { AGENTS_FILE } from '@camel/contracts';
import { validateConfigSet } from '@camel/configs';
import { AGENTS_TEMPLATE, agentNamesOf, workflowTemplate } from '@camel/console-data-access';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The console's "Add agents.yaml" and "New workflow" start from files the api accepts as they are. */
describe('config templates of the console', () => {
  it('agents.yaml and a new workflow are a valid set on their own', () => {
    const result = validateConfigSet({ [AGENTS_FILE]: AGENTS_TEMPLATE, 'workflows/first-try.yaml': workflowTemplate('workflows/first-try.yaml') });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('a new workflow next to the sample agents names two of them and is valid', () => {
    const agents = readFileSync(resolve(__dirname, '../../../../configs/agents.yaml'), 'utf8');
    expect(agentNamesOf(agents).slice(0, 2)).toEqual(['python_programmer', 'stock_trader']);
    expect(agentNamesOf(AGENTS_TEMPLATE)).toEqual(['assistant', 'instructor']);
    expect(agentNamesOf('agents:\n  - { name: "a1", role: A }\n  -   name: b2\n')).toEqual(['a1', 'b2']);
    const workflow = workflowTemplate('workflows/review.yaml', agentNamesOf(agents));
    expect(workflow).toContain('assistant: python_programmer\nuser: stock_trader\n');
    const result = validateConfigSet({ [AGENTS_FILE]: agents, 'workflows/review.yaml': workflow });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
