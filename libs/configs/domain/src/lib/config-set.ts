import { AGENTS_FILE, CONFIG_FILE_PATH, CONFIG_MAX_FILES, type ConfigFiles, type ConfigProblem } from '@camel/contracts';
import type { AgentsFile, WorkflowFile } from './config-schema';
import { parseAgentsFile, parseWorkflowFile, sortProblems } from './parse-config';
import { checkReferences, type ConfigSource } from './references';

export interface ValidConfigSet {
  readonly agents: AgentsFile;
  readonly workflows: Readonly<Record<string, WorkflowFile>>;
}

/**
 * Validates a whole set (agents.yaml + workflows/*.yaml): every file's syntax and schema, then the
 * references between them (only when every file parsed). Returns every problem, sorted by file and line.
 */
export function validateConfigSet(files: ConfigFiles): { ok: true; value: ValidConfigSet } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const paths = Object.keys(files).sort();
  if (paths.length > CONFIG_MAX_FILES) {
    problems.push({ file: '', line: 1, column: 1, path: '', code: 'config.too-many-files', message: `at most ${CONFIG_MAX_FILES} files` });
  }
  for (const path of paths) {
    if (!CONFIG_FILE_PATH.test(path)) {
      problems.push({ file: path, line: 1, column: 1, path: '', code: 'config.file-name', message: 'files are agents.yaml or workflows/<name>.yaml (lower-case name)' });
    }
  }
  if (!(AGENTS_FILE in files)) {
    problems.push({ file: AGENTS_FILE, line: 1, column: 1, path: '', code: 'config.missing-file', message: 'agents.yaml is required' });
  }
  let agents: ConfigSource<AgentsFile> | undefined;
  const workflows: ConfigSource<WorkflowFile>[] = [];
  for (const path of paths) {
    if (!CONFIG_FILE_PATH.test(path)) continue;
    const text = files[path];
    if (path === AGENTS_FILE) {
      const parsed = parseAgentsFile(path, text);
      if (parsed.ok) agents = { file: path, text, value: parsed.value };
      else problems.push(...parsed.problems);
    } else {
      const parsed = parseWorkflowFile(path, text);
      if (parsed.ok) workflows.push({ file: path, text, value: parsed.value });
      else problems.push(...parsed.problems);
    }
  }
  if (problems.length === 0 && agents) problems.push(...checkReferences(agents, workflows));
  if (problems.length > 0 || !agents) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, value: { agents: agents.value, workflows: Object.fromEntries(workflows.map((w) => [w.file, w.value])) } };
}
