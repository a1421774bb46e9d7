import type { Engine } from '@camel/event-store/testing';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTestApi, type TestApi } from './api-harness';

const samples = resolve(__dirname, '../../../../configs');
const read = (path: string) => readFileSync(join(samples, path), 'utf8');
const SAMPLES = {
  'agents.yaml': read('agents.yaml'),
  'workflows/stock-trading-role-play.yaml': read('workflows/stock-trading-role-play.yaml'),
  'workflows/propose-execute-review.yaml': read('workflows/propose-execute-review.yaml'),
};

/** The config manager's API against the real app: versions, validation, stale saves, restore, bundles, permissions. */
export function configsApiSuite(engine: Engine): void {
  describe(`configs API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let projectId: string;
    const base = () => `/api/projects/${projectId}/configs`;

    const signInAs = async (role: string) => {
      const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
      const password = 'configs-password-123';
      expect((await api.request('POST', '/api/users', { email, name: role, password })).status).toBe(201);
      expect((await api.request('POST', `/api/projects/${projectId}/members`, { email, role })).status).toBe(201);
      const login = await api.request('POST', '/api/auth/login', { email, password }, { authorization: '' });
      return { authorization: `Bearer ${login.body.accessToken as string}` };
    };

    beforeAll(async () => {
      process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Configs' })).body.id;
    });
    afterAll(() => api?.close());

    it('saves versions, lists them, returns any one, and diffs any two', async () => {
      expect((await api.request('GET', base())).body).toMatchObject({ version: 0, files: {} });
      const first = await api.request('POST', base(), { baseVersion: 0, files: SAMPLES, message: 'samples' });
      expect(first.status).toBe(201);
      expect(first.body.version).toBe(1);
      const edited = { ...SAMPLES, 'agents.yaml': SAMPLES['agents.yaml'].replace('temperature: 0.2', 'temperature: 0.3') };
      expect((await api.request('POST', base(), { baseVersion: 1, files: edited, message: 'warmer' })).status).toBe(201);

      const versions = await api.request('GET', `${base()}/versions`);
      expect(versions.body.map((v: { version: number; message: string }) => [v.version, v.message])).toEqual([
        [2, 'warmer'],
        [1, 'samples'],
      ]);
      expect(versions.body[0].actor).toMatch(/^user:/);
      expect((await api.request('GET', `${base()}/versions/1`)).body.files).toEqual(SAMPLES);
      expect((await api.request('GET', base())).body).toMatchObject({ version: 2, files: edited });

      const diff = await api.request('GET', `${base()}/diff?from=1&to=2`);
      const agents = diff.body.files.find((f: { path: string }) => f.path === 'agents.yaml');
      expect(agents.status).toBe('changed');
      expect(agents.chunks.filter((c: { op: string }) => c.op !== 'equal')).toEqual([
        { op: 'remove', lines: ['      temperature: 0.2'] },
        { op: 'add', lines: ['      temperature: 0.3'] },
      ]);
      expect((await api.request('GET', `${base()}/versions/99`)).status).toBe(404);
    });

    it('refuses an invalid set with every problem (file, line, column, path) and appends nothing', async () => {
      const head = await api.store.headPosition();
      const broken = { ...SAMPLES, 'workflows/stock-trading-role-play.yaml': SAMPLES['workflows/stock-trading-role-play.yaml'].replace('max_turns: 20', 'max_turns: lots\ncolour: red') };
      const current = (await api.request('GET', base())).body.version;
      const response = await api.request('POST', base(), { baseVersion: current, files: broken, message: 'broken' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('config.invalid');
      expect(response.body.problems).toEqual([
        expect.objectContaining({ file: 'workflows/stock-trading-role-play.yaml', path: 'max_turns', line: 12, column: 12, message: 'max_turns must be an integer number' }),
        expect.objectContaining({ file: 'workflows/stock-trading-role-play.yaml', path: 'colour', line: 13, code: 'config.unknown-key' }),
      ]);
      const validation = await api.request('POST', `${base()}/validate`, { files: broken });
      expect(validation.status).toBe(200);
      expect(validation.body.problems).toEqual(response.body.problems);
      const fields = (await api.request('POST', base(), { baseVersion: 'x', files: 'nope', message: 1 })).body.fields.map((f: { field: string }) => f.field);
      expect([...new Set(fields as string[])].sort()).toEqual(['baseVersion', 'files', 'message']);
      expect(await api.store.headPosition()).toBe(head);
    });

    it('refuses a save on a stale version with 409 and the diff to the latest', async () => {
      const current = (await api.request('GET', base())).body;
      const mine = { ...current.files, 'agents.yaml': current.files['agents.yaml'].replace('max_tokens: 512', 'max_tokens: 600') };
      const theirs = { ...current.files, 'agents.yaml': current.files['agents.yaml'].replace('max_tokens: 200', 'max_tokens: 250') };
      expect((await api.request('POST', base(), { baseVersion: current.version, files: theirs, message: 'theirs' })).status).toBe(201);
      const head = await api.store.headPosition();
      const stale = await api.request('POST', base(), { baseVersion: current.version, files: mine, message: 'mine' });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'config.stale', details: { baseVersion: current.version, currentVersion: current.version + 1 } });
      expect(stale.body.details.diff.files).toEqual([expect.objectContaining({ path: 'agents.yaml', status: 'changed' })]);
      expect(JSON.stringify(stale.body.details.diff)).toContain('max_tokens: 250');
      expect(await api.store.headPosition()).toBe(head);
    });

    it('restores an old version as a new one', async () => {
      const latest = (await api.request('GET', base())).body.version;
      const restored = await api.request('POST', `${base()}/versions/1/restore`, { baseVersion: latest });
      expect(restored.status).toBe(201);
      const current = (await api.request('GET', base())).body;
      expect(current).toMatchObject({ version: latest + 1, source: 'restore', restoredFrom: 1, files: SAMPLES, message: 'restore version 1' });
    });

    it('exports a bundle and imports it into another project exactly; a broken bundle changes nothing', async () => {
      const bundle = await api.request('GET', `${base()}/export`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toContain('application/yaml');
      const other = (await api.request('POST', '/api/projects', { name: 'Imported' })).body.id;
      const imported = await api.request('POST', `/api/projects/${other}/configs/import`, { baseVersion: 0, bundle: bundle.body });
      expect(imported.status).toBe(201);
      expect((await api.request('GET', `/api/projects/${other}/configs`)).body).toMatchObject({ version: 1, source: 'import', files: SAMPLES });

      const head = await api.store.headPosition();
      // The last agent's provider (agents[5]) names one that is not declared.
      const broken = (bundle.body as string).replace(/provider: local(?![^]*provider: local)/, 'provider: nowhere');
      const refused = await api.request('POST', `/api/projects/${other}/configs/import`, { baseVersion: 1, bundle: broken });
      expect(refused.status).toBe(400);
      expect(refused.body.problems).toEqual([expect.objectContaining({ file: 'agents.yaml', path: 'agents[5].model.provider', code: 'config.reference' })]);
      expect((await api.request('POST', `/api/projects/${other}/configs/import`, { baseVersion: 1, bundle: 'format: other\n' })).body.problems[0]).toMatchObject({ file: 'bundle.yaml', path: 'format' });
      expect(await api.store.headPosition()).toBe(head);
    });

    it('annotators and viewers read; engineers write; other projects do not exist; archived projects are read-only', async () => {
      const viewer = await signInAs('viewer');
      const engineer = await signInAs('engineer');
      const current = (await api.request('GET', base(), undefined, viewer)).body;
      expect(current.version).toBeGreaterThan(0);
      expect((await api.request('POST', base(), { baseVersion: current.version, files: SAMPLES, message: 'x' }, viewer)).status).toBe(403);
      const saved = await api.request('POST', base(), { baseVersion: current.version, files: { 'agents.yaml': SAMPLES['agents.yaml'] }, message: 'agents only' }, engineer);
      expect(saved.status).toBe(201);
      const elsewhere = (await api.request('POST', '/api/projects', { name: 'Elsewhere' })).body.id;
      expect((await api.request('GET', `/api/projects/${elsewhere}/configs`, undefined, engineer)).status).toBe(404);
      await api.request('POST', `/api/projects/${elsewhere}/archive`);
      expect((await api.request('POST', `/api/projects/${elsewhere}/configs`, { baseVersion: 0, files: SAMPLES, message: 'late' })).body.code).toBe('project.archived');
    });
  });
}
