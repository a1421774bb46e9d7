import {
  AGENTS_FILE,
  CONFIG_FILE_PATH,
  CONFIG_EVENT_TYPES,
  type ConfigDiff,
  type ConfigEvent,
  type ConfigFiles,
  type ConfigProblem,
  type ConfigVersionView,
  type RecordedEvent,
  indexAtColumn,
} from '@camel/contracts';
import { ApiError, type ReadList } from './api-client';
import type { LiveListPage, LiveListSource } from './live-list';

type RecordedConfigEvent = RecordedEvent & ConfigEvent;

const CONFIG_TYPES: ReadonlySet<string> = new Set(CONFIG_EVENT_TYPES);
export const isConfigEvent = (event: RecordedEvent): event is RecordedConfigEvent => CONFIG_TYPES.has(event.type);

/** The event type prefix of every config event (a live topic `{ kind: 'type', prefix }`). */
export const CONFIG_EVENT_PREFIX = 'Config';

/**
 * The history row of a `ConfigVersionSaved` event, as the api's config_versions projection writes
 * it (actor `type:id`, time from the metadata); null for other events or other projects.
 */
export function configVersionFromEvent(event: RecordedEvent, projectId: string): ConfigVersionView | null {
  if (!isConfigEvent(event) || event.data.projectId !== projectId) return null;
  const { data, metadata } = event;
  return {
    projectId: data.projectId,
    version: data.version,
    message: data.message,
    source: data.source,
    restoredFrom: data.restoredFrom ?? null,
    actor: `${metadata.actor.type}:${metadata.actor.id}`,
    createdAt: metadata.time,
  };
}

/**
 * Folds saved versions into a history list: one row per version (a version is immutable, so a row
 * already there stays), newest first like `GET …/configs/versions`. Pure.
 */
export function mergeConfigVersions(
  list: readonly ConfigVersionView[],
  additions: readonly (ConfigVersionView | RecordedEvent)[],
  projectId: string,
): ConfigVersionView[] {
  const rows = new Map<number, ConfigVersionView>(list.map((row) => [row.version, row]));
  for (const addition of additions) {
    const row = 'streamId' in addition ? configVersionFromEvent(addition, projectId) : addition.projectId === projectId ? addition : null;
    if (row && !rows.has(row.version)) rows.set(row.version, row);
  }
  return [...rows.values()].sort((a, b) => b.version - a.version);
}

/**
 * One project's config history, newest first, live from the project's events. `read` loads the
 * list (and whatever the editor needs beside it, in `P`); `reread` reads only the history, for
 * `refresh` (after a save, or once the topic caught up: what the read model lacked at the first
 * read is there by then).
 */
export function configHistorySource<P extends LiveListPage<ConfigVersionView>>(
  projectId: string,
  read: () => Promise<P>,
  reread: () => Promise<ReadList<ConfigVersionView>>,
): LiveListSource<ConfigVersionView, P> {
  const merge = (items: readonly ConfigVersionView[], additions: readonly (ConfigVersionView | RecordedEvent)[]) => ({
    items: mergeConfigVersions(items, additions, projectId),
  });
  return {
    topics: [{ kind: 'project', projectId }],
    read,
    fold: merge,
    refresh: { read: reread, merge: (items, fresh) => merge(items, fresh.items) },
  };
}

/** `agents.yaml` first, then the workflows by name. */
export function compareConfigPaths(a: string, b: string): number {
  if (a === b) return 0;
  if (a === AGENTS_FILE) return -1;
  if (b === AGENTS_FILE) return 1;
  return a < b ? -1 : 1;
}

export const sortConfigPaths = (paths: Iterable<string>): string[] => [...paths].sort(compareConfigPaths);

/**
 * `workflows/<name>.yaml` for a name as typed (`review`, `review.yaml`, `workflows/review.yaml`),
 * or an error message naming the rule the api applies to file names.
 */
export function workflowPath(name: string): { ok: true; path: string } | { ok: false; message: string } {
  let base = name.trim();
  if (base.startsWith('workflows/')) base = base.slice('workflows/'.length);
  if (base.endsWith('.yaml')) base = base.slice(0, -'.yaml'.length);
  const path = `workflows/${base}.yaml`;
  if (!base) return { ok: false, message: 'Name the workflow file.' };
  if (!CONFIG_FILE_PATH.test(path)) {
    return { ok: false, message: 'Use lower-case letters, digits, _ and - (starting with a letter or digit), at most 64 characters.' };
  }
  return { ok: true, path };
}

/** A new agents.yaml: a valid, runnable start (one provider, the two agents a role-play needs) to edit. */
export const AGENTS_TEMPLATE = `version: 1
providers:
  # Any OpenAI-compatible API; the key is read from this environment variable when a run starts.
  - id: openai
    type: openai
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
agents:
  - name: assistant
    role: Assistant
    system_prompt: You carry out the task one instruction at a time and explain each step.
    model:
      provider: openai
      name: gpt-4o-mini
  - name: instructor
    role: Instructor
    system_prompt: You know what the task needs and give one clear instruction at a time.
    model:
      provider: openai
      name: gpt-4o-mini
`;

/**
 * The agent names of an agents.yaml, in file order, read without a YAML parser (the page that adds a
 * workflow does not load one): list items that start with `name:` (block or flow style).
 */
export function agentNamesOf(agentsYaml: string): string[] {
  return [...agentsYaml.matchAll(/^[ \t]*-[ \t]*(?:\{[ \t]*)?name:[ \t]*["']?([a-z][a-z0-9_-]{0,63})/gm)].map((match) => match[1] ?? '');
}

/**
 * A new workflow file: a valid role-play naming the file's workflow, between the first two agents
 * of the set (`agentNames`, in file order; the template's own two when there are fewer).
 */
export function workflowTemplate(path: string, agentNames: readonly string[] = []): string {
  const name = path.replace(/^workflows\//, '').replace(/\.yaml$/, '').replace(/-/g, '_');
  const [assistant, user] = agentNames.length >= 2 ? agentNames : ['assistant', 'instructor'];
  return [
    'version: 1',
    `name: ${/^[a-z]/.test(name) ? name : `w_${name}`}`,
    'type: role_playing',
    `assistant: ${assistant}`,
    `user: ${user}`,
    'task_prompt: Describe here the task the two agents work on together.',
    'max_turns: 10',
    '',
  ].join('\n');
}

export function sameConfigFiles(a: ConfigFiles, b: ConfigFiles): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && b[key] === a[key]);
}

/** Paths added, removed or changed from `base` to `current`, sorted. */
export function changedConfigPaths(base: ConfigFiles, current: ConfigFiles): string[] {
  const paths = new Set([...Object.keys(base), ...Object.keys(current)]);
  return sortConfigPaths([...paths].filter((path) => base[path] !== current[path]));
}

/** Problems grouped by file, each group in line order (the api already sorts by file and line). */
export function problemsByFile(problems: readonly ConfigProblem[]): Map<string, ConfigProblem[]> {
  const groups = new Map<string, ConfigProblem[]>();
  for (const problem of problems) {
    const group = groups.get(problem.file) ?? [];
    group.push(problem);
    groups.set(problem.file, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.line - b.line || a.column - b.column);
  return groups;
}

/** `file:line:column path message`, as the problems panel and the api's message show it. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}${problem.path ? ` ${problem.path}` : ''} ${problem.message}`;
}

/**
 * Where a 1-based line/column lands in `text`: a UTF-16 offset, clamped to the text (a problem of an
 * older text, or at the end of the file, still points somewhere sensible). Columns count what a
 * person sees (`indexAtColumn`: a BOM is no column, an emoji is one), offsets count code units.
 */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(offset, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  return offset + indexAtColumn(lineText, Math.max(column, 1));
}

/** The details of a 409 `config.stale`: the version the save started from, the latest, and the diff between them. */
export interface ConfigStaleDetails {
  readonly baseVersion: number;
  readonly currentVersion: number;
  readonly diff: ConfigDiff | null;
}

export function configStaleDetails(error: unknown): ConfigStaleDetails | null {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== 'config.stale') return null;
  const details = error.body.details ?? {};
  const baseVersion = Number(details['baseVersion']);
  const currentVersion = Number(details['currentVersion']);
  const diff = details['diff'] as ConfigDiff | undefined;
  return {
    baseVersion: Number.isFinite(baseVersion) ? baseVersion : 0,
    currentVersion: Number.isFinite(currentVersion) ? currentVersion : 0,
    diff: diff && Array.isArray(diff.files) ? diff : null,
  };
}
