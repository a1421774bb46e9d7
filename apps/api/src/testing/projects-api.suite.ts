import type { Engine } from '@camel/event-store/testing';
import { startTestApi, type TestApi } from './api-harness';

/** The projects REST contract, run on each engine by its own test file. */
export function projectsApiSuite(engine: Engine): void {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine);
  });
  afterAll(async () => {
    await api?.close();
  });

  const create = async (name: string) => {
    const response = await api.request('POST', '/api/projects', { name });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  /** Runs a request that must fail, and checks it left no event behind. */
  async function refused(method: string, path: string, body?: unknown) {
    const head = await api.store.headPosition();
    const response = await api.request(method, path, body);
    expect(await api.store.headPosition()).toBe(head);
    return response;
  }

  describe('health', () => {
    it('answers live and ready with the engine and projection lag', async () => {
      expect((await api.request('GET', '/health/live')).status).toBe(200);
      const ready = await api.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.database).toMatchObject({ status: 'up', engine });
      expect(ready.body.details.projections.projections.projects).toMatchObject({ state: 'running', lag: 0 });
    });
  });

  describe('commands and queries', () => {
    it('creates a project that the very next read returns', async () => {
      const response = await api.request('POST', '/api/projects', { name: ' Trading bot ', description: 'CAMEL demo' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(String), version: 1, position: expect.any(Number) });
      const detail = await api.request('GET', `/api/projects/${response.body.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ name: 'Trading bot', description: 'CAMEL demo', status: 'active', version: 1 });
      const list = await api.request('GET', '/api/projects');
      expect(list.body.map((p: { id: string }) => p.id)).toContain(response.body.id);
      // The read model's checkpoint: the list reflects everything up to it, so a client follows from there.
      expect(Number(list.headers.get('x-read-position'))).toBeGreaterThanOrEqual(response.body.position);
    });

    it('renames, records the previous name, and treats the same name as a no-op', async () => {
      const id = await create('Before');
      const renamed = await api.request('PATCH', `/api/projects/${id}`, { name: 'After' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id, version: 2 });
      expect((await api.request('GET', `/api/projects/${id}`)).body).toMatchObject({ name: 'After', version: 2 });
      const events = await api.store.readStream(`project-${id}`);
      expect(events[1]).toMatchObject({ type: 'ProjectRenamed', data: { name: 'After', previousName: 'Before' } });

      const again = await refused('PATCH', `/api/projects/${id}`, { name: 'After' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ id, version: 2, position: 0 });
    });

    it('archives: hidden from the default list, listed as archived, then read-only', async () => {
      const id = await create('To archive');
      const archived = await api.request('POST', `/api/projects/${id}/archive`);
      expect(archived.status).toBe(200);
      expect((await api.request('GET', '/api/projects')).body.map((p: { id: string }) => p.id)).not.toContain(id);
      const list = await api.request('GET', '/api/projects?status=archived');
      expect(list.body).toEqual([expect.objectContaining({ id, status: 'archived' })]);
      expect((await api.request('GET', '/api/projects?status=all')).body.length).toBeGreaterThan(1);

      const rename = await refused('PATCH', `/api/projects/${id}`, { name: 'Nope' });
      expect(rename.status).toBe(409);
      expect(rename.body).toMatchObject({ code: 'project.archived', message: expect.stringContaining('archived') });
      const twice = await refused('POST', `/api/projects/${id}/archive`);
      expect(twice.status).toBe(409);
    });

    it('serialises concurrent renames of one project without losing any', async () => {
      const id = await create('Busy');
      // Five writers: each retry is caused by another's success, so five attempts always suffice.
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => api.request('PATCH', `/api/projects/${id}`, { name: `Name ${i}` })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
      const events = await api.store.readStream(`project-${id}`);
      expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await api.store.verify({ streamId: `project-${id}` })).ok).toBe(true);
    });

    it('stamps events with the request and correlation ids it was given', async () => {
      const response = await api.request('POST', '/api/projects', { name: 'Traced' }, {
        'x-request-id': 'req-123',
        'x-correlation-id': 'corr-456',
      });
      expect(response.headers.get('x-request-id')).toBe('req-123');
      const [event] = await api.store.readStream(`project-${response.body.id}`);
      expect(event.metadata).toMatchObject({
        requestId: 'req-123',
        correlationId: 'corr-456',
        causationId: 'req-123',
        projectId: response.body.id,
        actor: { type: 'user', id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      });
      expect(Date.parse(event.metadata.time)).not.toBeNaN();
    });
  });

  describe('bad input: a 4xx naming the field, and no event', () => {
    it.each([
      ['a missing name', {}, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '    ' }, 'name'],
      ['an 800-character name', { name: 'x'.repeat(800) }, 'name'],
      ['a numeric name', { name: 42 }, 'name'],
      ['an unknown field', { name: 'ok', owner: 'me' }, 'owner'],
      ['a too long description', { name: 'ok', description: 'd'.repeat(2001) }, 'description'],
    ])('refuses %s on create', async (_label, body, field) => {
      const response = await refused('POST', '/api/projects', body);
      expect(response.status).toBe(400);
      expect(response.body.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(response.body.message).toContain(field);
      expect(response.body.requestId).toEqual(expect.any(String));
    });

    it('refuses the name of another active project (409 naming the field, no event); an archived one frees its name', async () => {
      const first = await create('Support triage');
      const again = await refused('POST', '/api/projects', { name: '  support TRIAGE ' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'project.name.taken', fields: [expect.objectContaining({ field: 'name' })] });
      const other = await create('Support triage 2');
      const rename = await refused('PATCH', `/api/projects/${other}`, { name: 'Support Triage' });
      expect(rename.status).toBe(409);
      expect(rename.body.code).toBe('project.name.taken');
      // Its own name in another case is a rename, not a clash.
      expect((await api.request('PATCH', `/api/projects/${first}`, { name: 'Support Triage' })).status).toBe(200);
      expect((await api.request('POST', `/api/projects/${first}/archive`)).status).toBe(200);
      expect((await api.request('PATCH', `/api/projects/${other}`, { name: 'Support triage' })).status).toBe(200);
    });

    it('lets exactly one of simultaneous creates (and renames) with one name through; the others get 409 and append nothing', async () => {
      const head = await api.store.headPosition();
      const creates = await Promise.all(['Race', 'race', ' RACE ', 'Race', 'rAce', 'Race', 'race', 'RACE'].map((name) => api.request('POST', '/api/projects', { name })));
      expect(creates.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const refusedCreate of creates.filter((response) => response.status === 409)) {
        expect(refusedCreate.body).toMatchObject({ code: 'project.name.taken', fields: [expect.objectContaining({ field: 'name' })] });
      }
      const appended = await api.store.readAll({ after: head, limit: 1000 });
      expect(appended.filter((event) => event.type === 'ProjectCreated').map((event) => event.data)).toEqual([expect.objectContaining({ name: expect.stringMatching(/^race$/i) })]);

      const [a, b, c] = [await create('Rename race A'), await create('Rename race B'), await create('Rename race C')];
      const renames = await Promise.all([a, b, c].map((id) => api.request('PATCH', `/api/projects/${id}`, { name: 'Renamed race' })));
      expect(renames.map((response) => response.status).sort()).toEqual([200, 409, 409]);
      const names = ((await api.request('GET', '/api/projects')).body as { name: string }[]).map((project) => project.name);
      expect(names.filter((name) => name.toLowerCase() === 'renamed race')).toEqual(['Renamed race']);
      // A loser keeps its own name, and a freed name can be taken again.
      const winner = [a, b, c][renames.findIndex((response) => response.status === 200)];
      expect((await api.request('POST', `/api/projects/${winner}/archive`)).status).toBe(200);
      expect((await api.request('POST', '/api/projects', { name: 'renamed RACE' })).status).toBe(201);
    });

    it('refuses an 800-character rename and a malformed JSON body', async () => {
      const id = await create('Valid');
      const long = await refused('PATCH', `/api/projects/${id}`, { name: 'y'.repeat(800) });
      expect(long.status).toBe(400);
      expect(long.body.fields[0].field).toBe('name');
      const malformed = await refused('POST', '/api/projects', '{"name": ');
      expect(malformed.status).toBe(400);
    });

    it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
      const bad = await refused('GET', '/api/projects/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.fields).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await refused('GET', `/api/projects/${unknown}`)).status).toBe(404);
      expect((await refused('PATCH', `/api/projects/${unknown}`, { name: 'x' })).status).toBe(404);
      expect((await refused('POST', `/api/projects/${unknown}/archive`)).status).toBe(404);
    });

    it('refuses an unknown status filter naming the parameter', async () => {
      const response = await api.request('GET', '/api/projects?status=deleted');
      expect(response.status).toBe(400);
      expect(response.body.fields[0].field).toBe('status');
    });
  });

  describe('OpenAPI', () => {
    it('documents every route the server exposes', async () => {
      const doc = await api.request('GET', '/api/docs-json');
      expect(doc.status).toBe(200);
      const documented = new Set<string>();
      for (const [path, operations] of Object.entries(doc.body.paths as Record<string, object>)) {
        for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
      }
      // The live route table of the HTTP server (express 5 router), with :param written as {param}.
      const router = api.app.getHttpAdapter().getInstance().router;
      const layers = router.stack as { route?: { path: string; methods: Record<string, boolean> } }[];
      const served = layers
        // Controller routes have one method each; middleware mounted for every method has them all.
        .flatMap(({ route }) => (route && Object.keys(route.methods).length === 1 ? [route] : []))
        .map((route) => `${Object.keys(route.methods)[0].toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((route) => !route.includes('/api/docs'));
      expect(served.length).toBeGreaterThanOrEqual(7);
      expect(served.filter((route) => !documented.has(route))).toEqual([]);
      expect((await api.request('GET', '/api/docs')).status).toBe(200);
    });
  });
}
