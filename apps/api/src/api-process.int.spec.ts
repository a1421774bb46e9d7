import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { ApiProcess, TEST_ADMIN } from '@camel/server/testing';
import { reply, startOpenAiTestServer } from '@camel/workflows/server/testing';
import { pollUntil } from './testing/poll-until';

/**
 * The built api as a real process, as `npm start` runs it: start-up, configuration errors,
 * SIGKILL and restart, and the CLI. These are the crash and restart paths, tested, not assumed.
 */
const root = resolve(__dirname, '../../..');
let dist: string;

beforeAll(() => {
  // Inside the workspace (git-ignored tmp/) so the build resolves node_modules like dist/ does.
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
});

afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const api = new ApiProcess({ dist, env });
  await api.start();
  return api;
}

function cli(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(dist, 'apps/api/src/cli.js'), ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

// One sign-in per process run (sign-in is throttled per account, as in production).
const tokens = new WeakMap<ApiProcess, Promise<string>>();
const tokenOf = (api: ApiProcess): Promise<string> => {
  if (!tokens.has(api)) tokens.set(api, api.signIn());
  return tokens.get(api) as Promise<string>;
};
const post = async (api: ApiProcess, body: unknown) =>
  fetch(`${api.url}/api/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(api)}` },
    body: JSON.stringify(body),
  });
const getJson = async <T>(api: ApiProcess, path: string): Promise<T> =>
  (await (await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${await tokenOf(api)}` } })).json()) as T;

/** Tests that start the api several times and run the CLI between: each start and CLI run is a process (seconds under load). */
const PROCESS_TEST_TIMEOUT_MS = 180_000;
const LOG_KEY = 'a-process-test-log-signing-key-of-32-characters';
const NEXT_LOG_KEY = 'the-next-process-test-log-signing-key-of-32-chars';

/**
 * Issue 12, item 1, through `npm run cli -- verify`: a checkpoint signed before a key rotation still
 * verifies with LOG_SIGNING_KEY_PREVIOUS, and a writer who nulls every keyed hash is named (stream,
 * version, position, reason) once verify is given that checkpoint. `nullMacs` runs the writer's SQL.
 */
async function nulledMacsThroughCli(env: Record<string, string>, nullMacs: () => Promise<void>, checkpointFile: string): Promise<void> {
  const keyed = await startApi({ ...env, LOG_SIGNING_KEY: LOG_KEY });
  for (const name of ['Keyed one', 'Keyed two']) expect((await post(keyed, { name })).status).toBe(201);
  await keyed.kill('SIGTERM');
  expect(cli({ ...env, LOG_SIGNING_KEY: LOG_KEY }, 'checkpoint', '--out', checkpointFile)).toMatchObject({ code: 0 });
  const rotated = { ...env, LOG_SIGNING_KEY: NEXT_LOG_KEY, LOG_SIGNING_KEY_PREVIOUS: LOG_KEY };
  expect(cli(rotated, 'verify', '--checkpoint', checkpointFile)).toMatchObject({ code: 0, out: expect.stringContaining('OK: the log matches the signed checkpoint') });
  expect(cli({ ...env, LOG_SIGNING_KEY: NEXT_LOG_KEY }, 'verify', '--checkpoint', checkpointFile)).toMatchObject({
    code: 3,
    out: expect.stringMatching(/CHANGED stream= version=0 position=\d+ reason=checkpoint-key-unknown/),
  });

  await nullMacs();
  // Alone, a log without one keyed hash reads as a log from before keys (docs/security.md).
  expect(cli(rotated, 'verify')).toMatchObject({ code: 0 });
  const sealed = cli(rotated, 'verify', '--checkpoint', checkpointFile);
  expect(sealed.code).toBe(3);
  expect(sealed.out).toMatch(/BROKEN stream=user-\S+ version=1 position=\d+ reason=mac-missing/);
  expect(sealed.out).toMatch(/BROKEN stream=project-\S+ version=1 position=\d+ reason=mac-missing/);
  expect(sealed.out).toContain('OK: the log matches the signed checkpoint');
}

describe('api process', () => {
  let dataDir: string;
  const running: ApiProcess[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'camel-proc-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.kill('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops at start with a message naming an invalid variable', () => {
    const result = spawnSync(process.execPath, [join(dist, 'apps/api/src/main.js')], {
      env: { ...process.env, PORT: 'eighty', DATA_DIR: dataDir, DATABASE_URL: 'mysql://nope' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
  });

  it('keeps every accepted command through SIGKILL and restart, and catches up its projections', async () => {
    const first = await startApi({ DATA_DIR: dataDir });
    running.push(first);
    expect(first.log).toContain(join(dataDir, 'camel.sqlite'));
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const response = await post(first, { name: `Project ${i}` });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }
    await first.kill('SIGKILL');

    const second = await startApi({ DATA_DIR: dataDir });
    running.push(second);
    const list = await getJson<{ id: string }[]>(second, '/api/projects');
    expect(list.map((p) => p.id).sort()).toEqual([...ids].sort());
    const ready = await fetch(`${second.url}/health/ready`);
    expect(ready.status).toBe(200);
    await second.kill('SIGTERM');
    expect(cli({ DATA_DIR: dataDir }, 'verify')).toMatchObject({ code: 0, out: expect.stringContaining('OK: every hash chain is intact') });
  });

  it('continues a run after the embedded process is killed mid-run, with no turn recorded twice', async () => {
    const llm = await startOpenAiTestServer();
    try {
      // Every answer takes a while to stream, so the kill lands while a turn is being generated.
      llm.respondWith((request) => {
        const user = (request.body.messages[0]?.content ?? '').includes('Never forget you are a Stock Trader');
        const turns = request.body.messages.length;
        if (user && turns >= 6) return reply.text('<CAMEL_TASK_DONE>');
        return reply.text(user ? 'Instruction: next part.\nInput: None' : 'Solution: a long answer in many small chunks. Next request.', { chunkDelayMs: 40 });
      });
      const env = { DATA_DIR: dataDir, CRASH_TEST_LLM_KEY: 'sk-crash-test' };
      const first = await startApi(env);
      running.push(first);
      const auth = { authorization: `Bearer ${await tokenOf(first)}`, 'content-type': 'application/json' };
      const call = async (api: ApiProcess, method: string, path: string, body?: unknown) => {
        const response = await fetch(`${api.url}${path}`, { method, headers: { ...auth, authorization: `Bearer ${await tokenOf(api)}` }, body: body === undefined ? undefined : JSON.stringify(body) });
        return (await response.json()) as Record<string, unknown>;
      };
      const projectId = (await call(first, 'POST', '/api/projects', { name: 'Crash' }))['id'] as string;
      const agents = `version: 1\nproviders:\n  - { id: local, type: openai, base_url: "${llm.url}", api_key_env: CRASH_TEST_LLM_KEY }\nagents:\n  - { name: programmer, role: Python Programmer, system_prompt: Code., model: { provider: local, name: m } }\n  - { name: trader, role: Stock Trader, system_prompt: Trade., model: { provider: local, name: m } }\n`;
      const workflow = 'version: 1\nname: rp\ntype: role_playing\nassistant: programmer\nuser: trader\ntask_prompt: Build it.\nmax_turns: 10\n';
      expect((await call(first, 'POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents, 'workflows/rp.yaml': workflow }, message: 'crash' }))['version']).toBe(1);
      const runId = (await call(first, 'POST', `/api/projects/${projectId}/runs`, { workflow: 'rp' }))['id'] as string;
      const until = async (api: ApiProcess, done: (run: Record<string, unknown>) => boolean) => {
        for (let i = 0; i < 400; i += 1) {
          const run = await call(api, 'GET', `/api/projects/${projectId}/runs/${runId}`);
          if (done(run)) return run;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('run did not get there');
      };
      await until(first, (run) => (run['turns'] as number) >= 2);
      await llm.waitForInFlight(1);
      await first.kill('SIGKILL');

      const second = await startApi(env);
      running.push(second);
      const done = await until(second, (run) => run['status'] === 'completed');
      expect(done['terminationReason']).toBe('task_done');
      const entries = (await fetch(`${second.url}/api/projects/${projectId}/runs/${runId}/entries`, { headers: { authorization: `Bearer ${await tokenOf(second)}` } }).then((r) => r.json())) as { index: number; kind: string }[];
      const indexes = entries.filter((e) => e.kind === 'turn').map((e) => e.index);
      expect(indexes).toEqual(indexes.map((_, i) => i + 1));
      expect(indexes.length).toBe(done['turns']);
    } finally {
      await llm.close();
    }
  });

  it('rebuilds a damaged read model from the log with the CLI, and verify reports tampering', async () => {
    const api = await startApi({ DATA_DIR: dataDir });
    running.push(api);
    for (let i = 0; i < 5; i += 1) expect((await post(api, { name: `P${i}` })).status).toBe(201);
    await api.kill('SIGTERM');

    const file = join(dataDir, 'camel.sqlite');
    const exec = (sql: string) =>
      new Promise<void>((done, fail) => {
        const db = new sqlite3.Database(file);
        db.exec(sql, (error) => db.close(() => (error ? fail(error) : done())));
      });
    await exec(`UPDATE projects SET name = 'corrupted'`);
    const rebuilt = cli({ DATA_DIR: dataDir }, 'rebuild', 'projects');
    expect(rebuilt).toMatchObject({ code: 0, out: expect.stringMatching(/projects: rebuilt from \d+ events/) });
    const restarted = await startApi({ DATA_DIR: dataDir });
    running.push(restarted);
    const names = (await getJson<{ name: string }[]>(restarted, '/api/projects')).map((p) => p.name);
    expect(names.sort()).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    await restarted.kill('SIGTERM');

    await exec(`DROP TRIGGER events_refuse_update; UPDATE events SET data = '{"forged":true}'
      WHERE position = (SELECT MIN(position) FROM events WHERE stream_id LIKE 'project-%')`);
    const verify = cli({ DATA_DIR: dataDir }, 'verify');
    expect(verify.code).toBe(3);
    expect(verify.out).toMatch(/BROKEN stream=project-\S+ version=1 position=\d+ reason=hash-mismatch/);
    expect(cli({ DATA_DIR: dataDir }, 'rebuild', 'nope')).toMatchObject({ code: 2 });
  });

  it('keeps refresh tokens through SIGKILL, restart and a rebuild of every projection (the refresh_tokens table is state, not a read model)', async () => {
    const refresh = async (api: ApiProcess, refreshToken: string) => {
      const response = await fetch(`${api.url}/api/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      return { status: response.status, body: (await response.json()) as { refreshToken: string; code?: string } };
    };
    const first = await startApi({ DATA_DIR: dataDir });
    running.push(first);
    const login = await fetch(`${first.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) });
    expect(login.status).toBe(200);
    const rotated = await refresh(first, ((await login.json()) as { refreshToken: string }).refreshToken);
    expect(rotated.status).toBe(200);
    await first.kill('SIGKILL');

    // Issued before the crash, presented after the restart: still the session's current token.
    const second = await startApi({ DATA_DIR: dataDir });
    running.push(second);
    const afterRestart = await refresh(second, rotated.body.refreshToken);
    expect(afterRestart).toMatchObject({ status: 200, body: { refreshToken: expect.stringMatching(/^[^.]+\.2\./) } });
    await second.kill('SIGTERM');

    // A rebuild replays the log into the read models; rotations are not in the log, and the table is not rebuilt.
    expect(cli({ DATA_DIR: dataDir }, 'rebuild', '--all')).toMatchObject({ code: 0 });
    const third = await startApi({ DATA_DIR: dataDir });
    running.push(third);
    expect(await refresh(third, afterRestart.body.refreshToken)).toMatchObject({ status: 200, body: { refreshToken: expect.stringMatching(/^[^.]+\.3\./) } });
    // The token spent before the crash is still known as spent: reuse, the family ends.
    expect(await refresh(third, rotated.body.refreshToken)).toMatchObject({ status: 401, body: { code: 'auth.session-invalid' } });
    await third.kill('SIGTERM');
    expect(cli({ DATA_DIR: dataDir }, 'verify')).toMatchObject({ code: 0 });
  }, PROCESS_TEST_TIMEOUT_MS);

  it('verify names nulled keyed hashes with a checkpoint, and checks a checkpoint signed before a key rotation (SQLite)', async () => {
    const file = join(dataDir, 'camel.sqlite');
    await nulledMacsThroughCli(
      { DATA_DIR: dataDir },
      () =>
        new Promise<void>((done, fail) => {
          const db = new sqlite3.Database(file);
          db.exec('DROP TRIGGER events_refuse_update; UPDATE events SET mac = NULL;', (error) => db.close(() => (error ? fail(error) : done())));
        }),
      join(dataDir, 'checkpoint.json'),
    );
  }, PROCESS_TEST_TIMEOUT_MS);

  it('creates the first owner once with a random password printed once, and never logs secrets', async () => {
    // No ADMIN_* variables: the embedded default generates the first owner's password.
    const first = await startApi({ DATA_DIR: dataDir, ADMIN_EMAIL: '', ADMIN_PASSWORD: '', LOG_LEVEL: 'verbose' });
    running.push(first);
    // Printed last, after the ready line, set apart by rules (not among the route lines).
    await pollUntil('the first owner notice', async () => first.log, (log) => /password: \S+\n[^]*={72}\n/.test(log), { timeoutMs: 10_000, intervalMs: 20 });
    const printed = [...first.log.matchAll(/password: (\S+)/g)].map((m) => m[1]);
    expect(printed).toHaveLength(1);
    const generated = printed[0];
    const readyAt = first.log.indexOf('ready at http://localhost:');
    expect(readyAt).toBeGreaterThan(first.log.lastIndexOf('Mapped {'));
    expect(first.log.indexOf(`password: ${generated}`)).toBeGreaterThan(readyAt);
    // Not a terminal: no colour codes.
    expect(first.log).not.toContain(`${String.fromCharCode(27)}[`);
    const owner = await first.signIn('admin@localhost.localdomain', generated);

    // Exercise every path that handles a secret, then grep everything the process printed.
    const call = async (method: string, path: string, body?: unknown, token = owner) => {
      const response = await fetch(`${first.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, string> };
    };
    const userPassword = 'ada-lovelace-secret-pw';
    const wrongPassword = 'definitely-the-wrong-pw';
    const created = await call('POST', '/api/users', { email: 'ada@example.test', name: 'Ada', password: userPassword });
    expect(created.status).toBe(201);
    expect((await call('POST', '/api/auth/login', { email: 'ada@example.test', password: wrongPassword }, '')).status).toBe(401);
    const login = await call('POST', '/api/auth/login', { email: 'ada@example.test', password: userPassword }, '');
    const refreshed = await call('POST', '/api/auth/refresh', { refreshToken: login.body['refreshToken'] }, '');
    expect(refreshed.status).toBe(200);
    // Two rotations on, the first token is reuse (past the grace that a concurrent refresh gets).
    expect((await call('POST', '/api/auth/refresh', { refreshToken: refreshed.body['refreshToken'] }, '')).status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: login.body['refreshToken'] }, '')).status).toBe(401); // reuse
    const invited = await call('POST', '/api/users', { email: 'grace@example.test', name: 'Grace' });
    const project = await call('POST', '/api/projects', { name: 'Secrets' });
    const key = await call('POST', `/api/projects/${project.body['id']}/api-keys`, { name: 'ci', role: 'viewer' });
    expect((await call('GET', `/api/projects/${project.body['id']}`, undefined, key.body['key'])).status).toBe(200);
    const reset = await call('POST', `/api/users/${created.body['id']}/reset-password`);
    await first.kill('SIGTERM');

    const secrets = {
      userPassword,
      wrongPassword,
      accessToken: login.body['accessToken'],
      refreshToken: login.body['refreshToken'],
      rotatedRefresh: refreshed.body['refreshToken'],
      inviteToken: invited.body['inviteToken'],
      apiKey: key.body['key'],
      resetToken: reset.body['resetToken'],
      ownerToken: owner,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(typeof secret === 'string' && secret.length > 10).toBe(true);
      if (first.log.includes(secret)) throw new Error(`${name} appears in the api log`);
    }
    // The generated password itself appears exactly once, and a restart does not print another.
    expect(first.log.split(generated)).toHaveLength(2);
    const second = await startApi({ DATA_DIR: dataDir, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    running.push(second);
    expect(second.log).not.toMatch(/password: /);
    const again = await second.signIn('admin@localhost.localdomain', generated);
    expect(again).toMatch(/^ey/);

    // A generated password is to be changed: Me says so until the owner chose one.
    const meOf = async (token: string) => (await (await fetch(`${second.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    expect(await meOf(again)).toMatchObject({ passwordChangeRequired: true });
    const changed = await fetch(`${second.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${again}` },
      body: JSON.stringify({ currentPassword: generated, newPassword: 'the-owner-chose-this-one' }),
    });
    expect(changed.status).toBe(204);
    const chosen = await second.signIn('admin@localhost.localdomain', 'the-owner-chose-this-one');
    expect((await meOf(chosen))['passwordChangeRequired']).toBeUndefined();
  });

  it('keeps the start log short at the default level: no module or route lines, no colour codes', async () => {
    const api = await startApi({ DATA_DIR: dataDir });
    running.push(api);
    await api.kill('SIGTERM');
    expect(api.log).toContain('ready at http://localhost:');
    expect(api.log).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader/);
    expect(api.log).not.toContain(`${String.fromCharCode(27)}[`);
  });

  it('read-only CLI commands refuse a database that does not exist, and create nothing', () => {
    const nowhere = join(dataDir, 'not-here');
    for (const args of [['verify'], ['projections'], ['checkpoint'], ['configs', 'export', '0190a000-0000-7000-8000-000000000001', join(dataDir, 'out')]]) {
      const result = cli({ DATA_DIR: nowhere, LOG_SIGNING_KEY: 'a-log-signing-key-of-more-than-32-characters' }, ...args);
      expect({ args, ...result }).toMatchObject({ code: 2, out: expect.stringContaining(`no database at ${join(nowhere, 'camel.sqlite')}`) });
      expect(result.out).not.toContain('OK');
    }
    expect(existsSync(nowhere)).toBe(false);
    // An existing file that holds no event log (an empty database made by an older CLI) is refused too.
    mkdirSync(nowhere);
    writeFileSync(join(nowhere, 'camel.sqlite'), '');
    expect(cli({ DATA_DIR: nowhere }, 'verify')).toMatchObject({ code: 2, out: expect.stringContaining('holds no event log') });
    // `migrate` is the command that creates one.
    expect(cli({ DATA_DIR: nowhere }, 'migrate')).toMatchObject({ code: 0 });
    expect(cli({ DATA_DIR: nowhere }, 'verify')).toMatchObject({ code: 0, out: expect.stringContaining('checked 0 events') });
  });

  it('the projections command prints a table of how far each read model is, in the log’s terms', async () => {
    const api = await startApi({ DATA_DIR: dataDir });
    running.push(api);
    expect((await post(api, { name: 'Counted' })).status).toBe(201);
    const whileRunning = cli({ DATA_DIR: dataDir }, 'projections');
    await api.kill('SIGTERM');
    expect(whileRunning.code).toBe(0);
    expect(whileRunning.out).toMatch(/^projection\s+version\s+applied up to\s+behind\s+last applied/m);
    expect(whileRunning.out).toMatch(/^projects\s+\d+\s+event \d+\s+up to date\s+\d{4}-\d\d-\d\d /m);
    expect(whileRunning.out).not.toMatch(/stopped|│|┌|last error/);
  });

  it('imports the sample configs into a Default project at the first start only; the CLI exports and imports config folders', async () => {
    const samples = join(root, 'configs');
    const first = await startApi({ DATA_DIR: dataDir, CONFIGS_DIR: samples });
    running.push(first);
    expect(first.log).toContain('sample configs (3 files) imported into the Default project as version 1');
    const projects = await getJson<{ id: string; name: string }[]>(first, '/api/projects');
    expect(projects.map((p) => p.name)).toEqual(['Default']);
    const projectId = projects[0].id;
    const configs = await getJson<{ version: number; source: string; files: Record<string, string> }>(first, `/api/projects/${projectId}/configs`);
    expect(configs).toMatchObject({ version: 1, source: 'sync' });
    expect(Object.keys(configs.files).sort()).toEqual(['agents.yaml', 'workflows/propose-execute-review.yaml', 'workflows/stock-trading-role-play.yaml']);
    await first.kill('SIGTERM');

    // Export with the CLI (api stopped), edit a file, import it back as version 2.
    const folder = join(dataDir, 'exported');
    expect(cli({ DATA_DIR: dataDir }, 'configs', 'export', projectId, folder)).toMatchObject({ code: 0, out: expect.stringContaining('version 1: 3 files') });
    const workflow = join(folder, 'workflows/stock-trading-role-play.yaml');
    writeFileSync(workflow, readFileSync(workflow, 'utf8').replace('max_turns: 20', 'max_turns: 30'));
    expect(cli({ DATA_DIR: dataDir }, 'configs', 'import', projectId, folder, '-m', 'longer')).toMatchObject({ code: 0, out: expect.stringContaining('saved version 2') });
    // A broken folder is refused with file:line:column and nothing is saved.
    writeFileSync(workflow, readFileSync(workflow, 'utf8').replace('max_turns: 30', 'max_turns: many'));
    const refused = cli({ DATA_DIR: dataDir }, 'configs', 'import', projectId, folder);
    expect(refused.code).toBe(4);
    expect(refused.out).toMatch(/workflows\/stock-trading-role-play\.yaml:12:12 max_turns: max_turns must be an integer number/);

    const second = await startApi({ DATA_DIR: dataDir, CONFIGS_DIR: samples });
    running.push(second);
    expect(second.log).not.toContain('sample configs');
    expect((await getJson<unknown[]>(second, '/api/projects')).length).toBe(1);
    const latest = await getJson<{ version: number; message: string; files: Record<string, string> }>(second, `/api/projects/${projectId}/configs`);
    expect(latest).toMatchObject({ version: 2, message: 'longer' });
    expect(latest.files['workflows/stock-trading-role-play.yaml']).toContain('max_turns: 30');

    // An archived project is read-only on every path: the api and the CLI refuse with the same error.
    const auth = { authorization: `Bearer ${await tokenOf(second)}`, 'content-type': 'application/json' };
    expect((await fetch(`${second.url}/api/projects/${projectId}/archive`, { method: 'POST', headers: auth })).status).toBe(200);
    writeFileSync(workflow, readFileSync(workflow, 'utf8').replace('max_turns: many', 'max_turns: 40'));
    const viaApi = await fetch(`${second.url}/api/projects/${projectId}/configs`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ baseVersion: 2, files: { ...latest.files, 'workflows/stock-trading-role-play.yaml': readFileSync(workflow, 'utf8') }, message: 'late' }),
    });
    const apiError = (await viaApi.json()) as { code: string; message: string };
    expect({ status: viaApi.status, code: apiError.code }).toEqual({ status: 409, code: 'project.archived' });
    await second.kill('SIGTERM');
    const viaCli = cli({ DATA_DIR: dataDir }, 'configs', 'import', projectId, folder);
    expect(viaCli.code).toBe(2);
    expect(viaCli.out).toContain(`${apiError.message} [project.archived]`);
    expect(cli({ DATA_DIR: dataDir }, 'configs', 'export', projectId, folder)).toMatchObject({ code: 0, out: expect.stringContaining('version 2: 3 files') });
  });

  it('runs a sample workflow on the built-in starter model from the first start, with no API key', async () => {
    const api = await startApi({ DATA_DIR: dataDir, CONFIGS_DIR: join(root, 'configs'), BUILTIN_MODELS_DIR: join(root, 'models'), OPENAI_API_KEY: '' });
    running.push(api);
    const [project] = await getJson<{ id: string }[]>(api, '/api/projects');
    const models = await getJson<{ models: { id: string; source: string }[] }>(api, `/api/projects/${project.id}/models`);
    expect(models.models).toContainEqual(expect.objectContaining({ id: 'starter', source: 'builtin' }));
    const auth = { authorization: `Bearer ${await tokenOf(api)}`, 'content-type': 'application/json' };
    const started = await fetch(`${api.url}/api/projects/${project.id}/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ workflow: 'propose_execute_review' }) });
    expect(started.status).toBe(201);
    const runId = ((await started.json()) as { id: string }).id;
    // The first step's answer is generated by the built server's generation thread (dist, not the sources).
    const entries = await pollUntil(
      'the first step',
      () => getJson<{ provider: string; model: string; content: string }[]>(api, `/api/projects/${project.id}/runs/${runId}/entries`),
      (list) => list.length > 0,
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(entries[0]).toMatchObject({ provider: 'local', model: 'starter' });
    expect(entries[0].content.length).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/api/projects/${project.id}/runs/${runId}/cancel`, { method: 'POST', headers: auth })).status).toBe(200);
  });

  describe('on PostgreSQL', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestPostgresDatabase('proc');
    });
    afterAll(() => database.drop());

    // Production needs a signing secret from outside the database (docs/security.md).
    const JWT_SECRET = 'a-process-test-secret-of-more-than-32-characters';

    it('runs on DATABASE_URL and reports the engine as ready', async () => {
      const api = await startApi({ DATABASE_URL: database.url, DATA_DIR: dataDir, JWT_SECRET });
      running.push(api);
      expect(api.log).toContain('PostgreSQL');
      expect((await post(api, { name: 'On Postgres' })).status).toBe(201);
      const ready = (await (await fetch(`${api.url}/health/ready`)).json()) as { details: { database: { engine: string } } };
      expect(ready.details.database.engine).toBe('postgres');
      await api.kill('SIGKILL');
      expect(cli({ DATABASE_URL: database.url, JWT_SECRET }, 'verify')).toMatchObject({ code: 0 });
      expect(cli({ DATABASE_URL: database.url, JWT_SECRET }, 'projections').out).toContain('projects');
    });

    it('verify names nulled keyed hashes with a checkpoint, and checks a checkpoint signed before a key rotation (PostgreSQL)', async () => {
      const keyedDb = await createTestPostgresDatabase('keyed');
      try {
        await nulledMacsThroughCli(
          { DATABASE_URL: keyedDb.url, DATA_DIR: dataDir, JWT_SECRET },
          async () => {
            const client = new Client({ connectionString: keyedDb.url });
            await client.connect();
            try {
              await client.query('ALTER TABLE events DISABLE TRIGGER events_append_only; UPDATE events SET mac = NULL; ALTER TABLE events ENABLE TRIGGER events_append_only;');
            } finally {
              await client.end();
            }
          },
          join(dataDir, 'checkpoint.json'),
        );
      } finally {
        await keyedDb.drop();
      }
    }, PROCESS_TEST_TIMEOUT_MS);

    it('read-only CLI commands refuse a PostgreSQL database without an event log, and leave it empty', async () => {
      const empty = await createTestPostgresDatabase('empty');
      try {
        expect(cli({ DATABASE_URL: empty.url, JWT_SECRET }, 'verify')).toMatchObject({ code: 2, out: expect.stringContaining('holds no event log') });
        expect(cli({ DATABASE_URL: empty.url, JWT_SECRET }, 'projections')).toMatchObject({ code: 2 });
        expect(cli({ DATABASE_URL: empty.url, JWT_SECRET }, 'verify')).toMatchObject({ code: 2 });
      } finally {
        await empty.drop();
      }
    });
  });
});
