import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfigSet, type ValidConfigSet } from '@camel/configs';
import type { ConfigFiles } from '@camel/contracts';

const CONFIGS = join(__dirname, '../../../../../../configs');

/** The repository's sample config set (configs/), as a project's version 1 would hold it. */
export function sampleFiles(): Record<string, string> {
  const files: Record<string, string> = { 'agents.yaml': readFileSync(join(CONFIGS, 'agents.yaml'), 'utf8') };
  for (const name of readdirSync(join(CONFIGS, 'workflows'))) files[`workflows/${name}`] = readFileSync(join(CONFIGS, 'workflows', name), 'utf8');
  return files;
}

/** A config set parsed and validated as the api does before starting a run; fails the test when invalid. */
export function configSet(files: ConfigFiles = sampleFiles()): ValidConfigSet {
  const result = validateConfigSet(files);
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.problems, null, 2)}`);
  return result.value;
}

/** The sample set with extra workflow files (YAML text) beside it. */
export function configWith(workflows: Readonly<Record<string, string>>, agentsEdit: (text: string) => string = (t) => t): ValidConfigSet {
  const files = sampleFiles();
  files['agents.yaml'] = agentsEdit(files['agents.yaml']);
  for (const [name, text] of Object.entries(workflows)) files[`workflows/${name}.yaml`] = text;
  return configSet(files);
}

/** The sample set's local models resolved as the built-in catalog resolves them (`starter` is a built-in: its id is its name). */
export const STARTER: Readonly<Record<string, string | null>> = { starter: 'starter' };
