import { AGENTS_FILE, CONFIG_FILE_PATH, CONFIG_MAX_FILES, type ConfigFiles, type ConfigProblem } from '@camel/contracts';
import type { AgentsFile, WorkflowFile } from './config-schema';
import { checkAgentsFile, checkWorkflowFile, sortProblems, type CheckedFile } from './parse-config';
import { recoverAgentNames, referenceProblems, type AgentsSide } from './references';
import { MAX_ALIAS_COUNT, type YamlFile } from './yaml-document';

export interface ValidConfigSet {
  readonly agents: AgentsFile;
  readonly workflows: Readonly<Record<string, WorkflowFile>>;
}

function agentsSide(text: string, checked: CheckedFile<AgentsFile>): AgentsSide {
  if (checked.yaml) return { file: AGENTS_FILE, yaml: checked.yaml };
  let recovered: unknown;
  try {
    recovered = checked.recovered?.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    recovered = undefined;
  }
  return { file: AGENTS_FILE, names: recoverAgentNames(text, recovered) };
}

/**
 * Validates a whole set (agents.yaml + workflows/*.yaml): every file's text, syntax and schema, and
 * the references between them. Problems independent of each other are all reported: a file that is
 * not YAML reports only that (anything else would follow from it), but the other files are still
 * checked, references included. Returns every problem, sorted by file and line.
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
  let agents: AgentsFile | undefined;
  let side: AgentsSide | undefined;
  const workflows: Record<string, WorkflowFile> = {};
  const workflowYaml: YamlFile[] = [];
  for (const path of paths) {
    if (!CONFIG_FILE_PATH.test(path)) continue;
    const text = files[path];
    if (path === AGENTS_FILE) {
      const checked = checkAgentsFile(path, text);
      side = agentsSide(text, checked);
      if (checked.result.ok) agents = checked.result.value;
      else problems.push(...checked.result.problems);
    } else {
      const checked = checkWorkflowFile(path, text);
      if (checked.yaml) workflowYaml.push(checked.yaml);
      if (checked.result.ok) workflows[path] = checked.result.value;
      else problems.push(...checked.result.problems);
    }
  }
  problems.push(...referenceProblems(side, workflowYaml));
  if (problems.length > 0 || !agents) return { ok: false, problems: sortProblems(dedupe(problems)) };
  return { ok: true, value: { agents, workflows } };
}

/** A reference check and a schema rule can name the same value; one problem per place and code. */
function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.code}:${p.message}`;
    return !seen.has(key) && seen.add(key);
  });
}
