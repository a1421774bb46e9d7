import { AGENTS_FILE, type ConfigFiles } from '@camel/contracts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `agents.yaml` and `workflows/*.yaml` of a folder (the layout of the repository's `configs/`). */
export function readConfigFolder(dir: string): ConfigFiles | undefined {
  if (!existsSync(join(dir, AGENTS_FILE))) return undefined;
  const files: Record<string, string> = { [AGENTS_FILE]: readFileSync(join(dir, AGENTS_FILE), 'utf8') };
  const workflows = join(dir, 'workflows');
  if (existsSync(workflows)) {
    for (const name of readdirSync(workflows).sort()) {
      if (name.endsWith('.yaml') || name.endsWith('.yml')) files[`workflows/${name.replace(/\.yml$/, '.yaml')}`] = readFileSync(join(workflows, name), 'utf8');
    }
  }
  return files;
}

/** Writes a set into a folder; workflow files of the folder that are not in the set are removed. */
export function writeConfigFolder(dir: string, files: ConfigFiles): void {
  const workflows = join(dir, 'workflows');
  if (existsSync(workflows)) {
    for (const name of readdirSync(workflows)) {
      if ((name.endsWith('.yaml') || name.endsWith('.yml')) && !(`workflows/${name}` in files)) rmSync(join(workflows, name));
    }
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
