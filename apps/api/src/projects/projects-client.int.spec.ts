import { ApiClient, ApiError } from '@camel/console-data-access';
import { startTestApi, type TestApi } from '../testing/api-harness';

/** The console's typed REST client against the real api: the types it shares are the ones served. */
describe('ApiClient against the api (SQLite)', () => {
  let api: TestApi;
  let client: ApiClient;

  beforeAll(async () => {
    api = await startTestApi('sqlite');
    const authorization = `Bearer ${api.ownerToken}`;
    client = new ApiClient({
      baseUrl: api.baseUrl,
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization } }),
    });
  });
  afterAll(() => api?.close());

  it('creates, renames, archives and lists with the read position to follow from', async () => {
    const created = await client.createProject({ name: 'Typed', description: 'via ApiClient' });
    const renamed = await client.renameProject(created.id, { name: 'Typed 2' });
    expect(renamed.version).toBe(2);
    const { projects, position } = await client.listProjects('all');
    expect(projects).toEqual([expect.objectContaining({ id: created.id, name: 'Typed 2', version: 2, status: 'active' })]);
    expect(position).toBe(renamed.position);
    await client.archiveProject(created.id);
    expect((await client.getProject(created.id)).status).toBe('archived');
    expect((await client.readiness()).report.details.database).toMatchObject({ status: 'up', engine: 'sqlite' });
  });

  it('throws ApiError with the server’s message and fields, and status 0 when the server is unreachable', async () => {
    const invalid = await client.createProject({ name: '' }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ApiError);
    expect((invalid as ApiError).status).toBe(400);
    expect((invalid as ApiError).body.fields?.[0]?.field).toBe('name');
    expect((invalid as ApiError).displayMessage).toContain('name');

    const unreachable = new ApiClient({ baseUrl: 'http://127.0.0.1:9' });
    const down = await unreachable.listProjects().catch((error: unknown) => error);
    expect(down).toBeInstanceOf(ApiError);
    expect((down as ApiError).status).toBe(0);
    await expect(unreachable.readiness()).rejects.toBeInstanceOf(ApiError);
  });
});
