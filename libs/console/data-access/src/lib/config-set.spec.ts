import type { ConfigProblem, ConfigVersionView, RecordedEvent } from '@camel/contracts';
import { ApiError } from './api-client';
import {
  changedConfigPaths,
  configStaleDetails,
  configVersionFromEvent,
  formatProblem,
  mergeConfigVersions,
  offsetOf,
  problemsByFile,
  sameConfigFiles,
  sortConfigPaths,
  workflowPath,
  workflowTemplate,
} from './config-set';

const P = 'p1';
let position = 100;
const saved = (version: number, projectId = P, extra: Record<string, unknown> = {}): RecordedEvent => ({
  position: ++position,
  streamId: `configs-${projectId}`,
  streamType: 'config-set',
  streamVersion: version,
  id: `e${position}`,
  type: 'ConfigVersionSaved',
  schemaVersion: 1,
  data: { projectId, version, message: `v${version}`, source: 'edit', files: { 'agents.yaml': 'x' }, ...extra },
  metadata: { actor: { type: 'user', id: 'u1' }, projectId, correlationId: 'c', time: `2026-01-0${version}T00:00:00.000Z` },
  hash: 'h',
  recordedAt: 'now',
});
const row = (version: number): ConfigVersionView => ({
  projectId: P,
  version,
  message: `v${version}`,
  source: 'edit',
  restoredFrom: null,
  actor: 'user:u1',
  createdAt: `2026-01-0${version}T00:00:00.000Z`,
});

describe('config history from events', () => {
  it('builds the history row the projection writes', () => {
    expect(configVersionFromEvent(saved(3), P)).toEqual(row(3));
    expect(configVersionFromEvent(saved(4, P, { source: 'restore', restoredFrom: 1 }), P)).toMatchObject({ source: 'restore', restoredFrom: 1 });
    expect(configVersionFromEvent(saved(3, 'other'), P)).toBeNull();
    expect(configVersionFromEvent({ ...saved(3), type: 'ProjectRenamed' }, P)).toBeNull();
  });

  it('merges rows and events newest first, once per version, ignoring other projects', () => {
    const merged = mergeConfigVersions([row(2), row(1)], [saved(2), saved(3), saved(5, 'other'), row(4), saved(4)], P);
    expect(merged.map((r) => r.version)).toEqual([4, 3, 2, 1]);
    expect(merged[2]).toBe(merged[2]); // rows already known stay as they were
    expect(mergeConfigVersions([], [], P)).toEqual([]);
  });
});

describe('config files', () => {
  it('sorts agents.yaml first, then workflows', () => {
    expect(sortConfigPaths(['workflows/b.yaml', 'agents.yaml', 'workflows/a.yaml'])).toEqual(['agents.yaml', 'workflows/a.yaml', 'workflows/b.yaml']);
  });

  it('turns a typed name into a workflow path, or says which names are allowed', () => {
    expect(workflowPath('review')).toEqual({ ok: true, path: 'workflows/review.yaml' });
    expect(workflowPath(' workflows/review-2.yaml ')).toEqual({ ok: true, path: 'workflows/review-2.yaml' });
    expect(workflowPath('')).toMatchObject({ ok: false });
    expect(workflowPath('Review')).toMatchObject({ ok: false, message: expect.stringContaining('lower-case') });
    expect(workflowPath('a/b')).toMatchObject({ ok: false });
    expect(workflowTemplate('workflows/code-review.yaml')).toContain('name: code_review\n');
    expect(workflowTemplate('workflows/2x.yaml')).toContain('name: w_2x\n');
  });

  it('compares sets and lists the changed paths', () => {
    expect(sameConfigFiles({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameConfigFiles({ a: '1' }, { a: '1', b: '' })).toBe(false);
    expect(sameConfigFiles({ a: '1' }, { b: '1' })).toBe(false);
    expect(changedConfigPaths({ 'agents.yaml': 'a', 'workflows/x.yaml': 'x' }, { 'agents.yaml': 'b', 'workflows/y.yaml': 'y' })).toEqual([
      'agents.yaml',
      'workflows/x.yaml',
      'workflows/y.yaml',
    ]);
  });
});

describe('config problems', () => {
  const problem = (file: string, line: number, column = 1, path = 'max_turns'): ConfigProblem => ({
    file,
    line,
    column,
    path,
    code: 'config.type',
    message: 'max_turns must be an integer',
  });

  it('groups by file in line order and formats like the api', () => {
    const groups = problemsByFile([problem('b', 3), problem('a', 9), problem('a', 2, 5)]);
    expect([...groups.keys()]).toEqual(['b', 'a']);
    expect(groups.get('a')?.map((p) => p.line)).toEqual([2, 9]);
    expect(formatProblem(problem('workflows/x.yaml', 12, 12))).toBe('workflows/x.yaml:12:12 max_turns max_turns must be an integer');
    expect(formatProblem(problem('agents.yaml', 1, 1, ''))).toBe('agents.yaml:1:1 max_turns must be an integer');
  });

  it('maps 1-based line and column to an offset, clamped to the text', () => {
    const text = 'ab\ncde\n';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 2)).toBe(4);
    expect(offsetOf(text, 2, 99)).toBe(6);
    expect(offsetOf(text, 3, 1)).toBe(7);
    expect(offsetOf(text, 9, 1)).toBe(7);
    expect(offsetOf(text, 1, 0)).toBe(0);
  });

  it('counts columns as the server does: a BOM is no column, an emoji is one, CRLF ends the line', () => {
    const text = '\uFEFFversion: 1\r\nname: "👩‍💻 x": 5\r\n';
    expect(offsetOf(text, 1, 1)).toBe(1);
    expect(text.slice(offsetOf(text, 1, 10))).toMatch(/^1/);
    expect(text.slice(offsetOf(text, 2, 10))).toMatch(/^x"/);
    expect(offsetOf(text, 1, 99)).toBe(text.indexOf('\r'));
  });

  it('reads the details of a stale save', () => {
    const diff = { from: 1, to: 2, files: [] };
    const stale = new ApiError(409, { statusCode: 409, error: 'Conflict', message: 'stale', code: 'config.stale', details: { baseVersion: 1, currentVersion: 2, diff } });
    expect(configStaleDetails(stale)).toEqual({ baseVersion: 1, currentVersion: 2, diff });
    expect(configStaleDetails(new ApiError(409, { statusCode: 409, error: 'Conflict', message: 'x', code: 'project.archived' }))).toBeNull();
    expect(configStaleDetails(new Error('x'))).toBeNull();
  });
});
