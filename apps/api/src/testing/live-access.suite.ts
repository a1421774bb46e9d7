import {
  LIVE_EVENTS_PATH,
  PROJECT_ROLES,
  hasPermission,
  permissions,
  projectStreamId,
  sessionStreamId,
  userStreamId,
  type AccessTokenClaims,
  type ApiErrorBody,
  type EventTopic,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type ProjectRole,
  type RecordedEvent,
  type SubscribeReply,
  type SubscriptionEndedMessage,
} from '@camel/contracts';
import { LiveEventsClient, type ConnectionState } from '@camel/console-data-access';
import { uuidv7 } from '@camel/kernel';
import type { Engine } from '@camel/event-store/testing';
import { APP_CONFIG, type AppConfig } from '@camel/server';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startTestApi, type TestApi } from './api-harness';

type RawSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

const PASSWORD = 'live-access-password-1';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One raw socket.io connection and everything the server told it, per subscription and in order. */
class Connection {
  private readonly received = new Map<string, RecordedEvent[]>();
  readonly caughtUp = new Set<string>();
  readonly ended: SubscriptionEndedMessage[] = [];
  /** Connection-level messages in arrival order: `auth-expired:<reason>`, `disconnect:<reason>`. */
  readonly log: string[] = [];
  /** When the server announced the end of the credential (ms since epoch). */
  expiredAt?: number;

  constructor(readonly socket: RawSocket) {
    socket.on('events', (message, ack) => {
      ack();
      this.events(message.subscriptionId).push(...message.events);
    });
    socket.on('caught-up', (message) => this.caughtUp.add(message.subscriptionId));
    socket.on('subscription-ended', (message) => {
      this.ended.push(message);
      this.log.push(`subscription-ended:${message.subscriptionId}`);
    });
    socket.on('auth-expired', (message) => {
      this.expiredAt ??= Date.now();
      this.log.push(`auth-expired:${message.reason}`);
    });
    socket.on('disconnect', (reason) => this.log.push(`disconnect:${reason}`));
  }

  events(subscriptionId: string): RecordedEvent[] {
    let list = this.received.get(subscriptionId);
    if (!list) this.received.set(subscriptionId, (list = []));
    return list;
  }

  positions(subscriptionId: string): number[] {
    return this.events(subscriptionId).map((e) => e.position);
  }

  has(subscriptionId: string, position: number): boolean {
    return this.events(subscriptionId).some((e) => e.position === position);
  }

  subscribe(subscriptionId: string, topic: EventTopic, after = 0): Promise<SubscribeReply> {
    return new Promise((done) => this.socket.emit('subscribe', { subscriptionId, topic, after }, done));
  }

  /** Subscribes (must be accepted) and waits until catch-up is over. */
  async follow(subscriptionId: string, topic: EventTopic, after = 0): Promise<void> {
    const reply = await this.subscribe(subscriptionId, topic, after);
    expect(reply).toMatchObject({ ok: true, subscriptionId });
    await waitFor(() => this.caughtUp.has(subscriptionId), `catch-up of ${subscriptionId}`);
  }
}

interface SignedIn {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

/**
 * Access control of the live gateway over real socket.io connections against the real api:
 * handshake authentication, per-project topics, per-event filtering of stream and type topics,
 * API keys, and the re-check of connected sockets when access changes (membership removed, user
 * disabled, session or key revoked, token expired), plus the console client renewing its token.
 * Run once per engine.
 */
export function liveAccessSuite(engine: Engine): void {
  let api: TestApi;
  let jwtSecret: string;
  let projectA: string;
  let projectB: string;
  const sockets: RawSocket[] = [];
  const clients: LiveEventsClient[] = [];
  const jwt = new JwtService();

  // ---- REST helpers (as the owner unless said otherwise) ---------------------------------------

  const createProject = async (name: string): Promise<string> => {
    const created = await api.request('POST', '/api/projects', { name: `${name} ${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  const createUser = async (label: string, extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> => {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
    const created = await api.request('POST', '/api/users', { email, name: label, password: PASSWORD, ...extra });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email };
  };

  const signIn = async (email: string): Promise<string> => {
    const response = await api.request('POST', '/api/auth/login', { email, password: PASSWORD }, { authorization: '' });
    expect(response.status).toBe(200);
    return response.body.accessToken as string;
  };

  const addMember = async (projectId: string, email: string, role: ProjectRole) => {
    const added = await api.request('POST', `/api/projects/${projectId}/members`, { email, role });
    expect(added.status).toBe(201);
    return added.body.position as number;
  };

  /** A signed-in user holding the given roles. */
  const member = async (label: string, roles: Record<string, ProjectRole>, extra: Record<string, unknown> = {}): Promise<SignedIn> => {
    const user = await createUser(label, extra);
    for (const [projectId, role] of Object.entries(roles)) await addMember(projectId, user.email, role);
    return { ...user, token: await signIn(user.email) };
  };

  /** Renames the project (ProjectRenamed, metadata.projectId set); resolves its position. */
  const rename = async (projectId: string): Promise<number> => {
    const renamed = await api.request('PATCH', `/api/projects/${projectId}`, { name: `renamed ${randomUUID().slice(0, 8)}` });
    expect(renamed.status).toBe(200);
    return renamed.body.position as number;
  };

  /** Appends one event of the project directly to the log; resolves its position. */
  const probe = async (projectId: string, type = 'ProbeAppended'): Promise<number> => {
    const result = await api.store.append(
      `probe-${projectId}`,
      [
        {
          id: uuidv7(),
          type,
          data: {},
          metadata: { actor: { type: 'system', id: 'test' }, projectId, correlationId: randomUUID(), time: new Date().toISOString() },
        },
      ],
      { expectedVersion: 'any' },
    );
    return result.lastPosition;
  };

  /** Positions of the log's events after `after` that satisfy `filter`: what a subscription must deliver. */
  const logPositions = async (filter: (event: RecordedEvent) => boolean, after = 0): Promise<number[]> => {
    const positions: number[] = [];
    let cursor = after;
    for (;;) {
      const page = await api.store.readAll({ after: cursor, limit: 1000 });
      if (page.length === 0) return positions;
      positions.push(...page.filter(filter).map((e) => e.position));
      cursor = page[page.length - 1].position;
    }
  };

  /** A token of the same user and session with other times (signed with the api's secret). */
  const forge = (token: string, iat: number, exp: number, secret = jwtSecret): string => {
    const claims = jwt.decode<AccessTokenClaims>(token);
    return jwt.sign({ sub: claims.sub, sid: claims.sid, typ: 'access', iat, exp }, { secret, algorithm: 'HS256' });
  };
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  /**
   * The barrier that shows nothing else arrives at a connection, instead of watching it for a while:
   * a sentinel every `targets` subscription receives is appended and awaited there, twice. The
   * process's one fanout hands each batch to every subscription in one synchronous pass, before any
   * of it is written to a socket, and a socket delivers in order. Once the first sentinel arrived,
   * every subscription of the connection has queued or dropped each event before it; the second
   * comes in a later batch, written after all they sent. So when it arrives, each subscription of
   * the connection holds everything before it that it will ever get (these clients acknowledge each
   * batch at once, so no subscription is held back by unacknowledged ones).
   */
  const settle = async (targets: readonly (readonly [Connection, string])[], sentinel: () => Promise<number>): Promise<void> => {
    for (let round = 0; round < 2; round += 1) {
      const position = await sentinel();
      for (const [connection, id] of targets) await waitFor(() => connection.has(id, position), `the sentinel at ${id}`);
    }
  };

  // ---- sockets ---------------------------------------------------------------------------------

  const rawSocket = (auth: Record<string, unknown>): RawSocket => {
    const socket: RawSocket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], reconnection: false, auth });
    sockets.push(socket);
    return socket;
  };

  const connect = async (token: string): Promise<Connection> => {
    const socket = rawSocket({ token });
    const connection = new Connection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) =>
        reject(new Error(`handshake refused: ${JSON.stringify((error as Error & { data?: unknown }).data ?? error.message)}`)),
      );
    });
    return connection;
  };

  /** The connect_error's data of a handshake that must be refused. */
  const refusal = (auth: Record<string, unknown>): Promise<ApiErrorBody> => {
    const socket = rawSocket(auth);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error(`handshake with ${JSON.stringify(auth)} was accepted`)));
      socket.once('connect_error', (error) => resolve((error as Error & { data: ApiErrorBody }).data));
    });
  };

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
    api = await startTestApi(engine);
    const secret = api.app.get<AppConfig>(APP_CONFIG).auth.jwtSecret;
    if (!secret) throw new Error('the test api runs without JWT_SECRET: tokens cannot be forged');
    jwtSecret = secret;
    projectA = await createProject('Project A');
    projectB = await createProject('Project B');
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  afterAll(async () => {
    delete process.env['LOGIN_RATE_LIMIT_IP'];
    await api?.close();
  });

  // ---- handshake -------------------------------------------------------------------------------

  it('refuses handshakes without a valid credential: connect_error with an ApiErrorBody (401, auth.*)', async () => {
    const user = await member('handshake', { [projectA]: 'viewer' });
    const unauthorized = { statusCode: 401, error: 'Unauthorized' };

    expect(await refusal({})).toMatchObject({ ...unauthorized, code: 'auth.required' });
    expect(await refusal({ token: '' })).toMatchObject({ ...unauthorized, code: 'auth.required' });
    expect(await refusal({ token: 42 })).toMatchObject({ ...unauthorized, code: 'auth.required' });
    expect(await refusal({ token: 'garbage' })).toMatchObject({ ...unauthorized, code: 'auth.token-invalid' });
    const now = nowSeconds();
    expect(await refusal({ token: forge(user.token, now - 120, now - 60) })).toMatchObject({ ...unauthorized, code: 'auth.token-expired' });
    expect(await refusal({ token: forge(user.token, now, now + 600, 'another-secret-of-at-least-thirty-two-chars') })).toMatchObject({
      ...unauthorized,
      code: 'auth.token-invalid',
    });
    expect(await refusal({ token: 'camel_not-a-key' })).toMatchObject({ ...unauthorized, code: 'auth.api-key-invalid' });
    expect((await refusal({ token: 'garbage' })).message).toEqual(expect.any(String));

    // The same user's real token is accepted.
    const connection = await connect(user.token);
    expect(connection.socket.connected).toBe(true);
  });

  // ---- project topics --------------------------------------------------------------------------

  it("a member of A: project B does not exist for it (404), project A delivers A's events only", async () => {
    const user = await member('project-topic', { [projectA]: 'engineer' });
    const connection = await connect(user.token);

    const refused = await connection.subscribe('b', { kind: 'project', projectId: projectB });
    expect(refused).toMatchObject({ ok: false, error: { statusCode: 404, code: 'project.not-found' } });
    const unknown = await connection.subscribe('x', { kind: 'project', projectId: randomUUID() });
    expect(unknown).toMatchObject({ ok: false, error: { statusCode: 404 } });

    await connection.follow('a', { kind: 'project', projectId: projectA });
    await connection.follow('stream-a', { kind: 'stream', streamId: projectStreamId(projectA) });
    await connection.follow('stream-b', { kind: 'stream', streamId: projectStreamId(projectB) });
    // Catch-up: A's history (created, member added, …), nothing of B.
    expect(connection.positions('a')).toEqual(await logPositions((e) => e.metadata.projectId === projectA));
    expect(connection.positions('a').length).toBeGreaterThan(0);
    expect(connection.positions('stream-b')).toEqual([]);

    await rename(projectB);
    await probe(projectB);
    await rename(projectA);
    await probe(projectB);
    const last = await probe(projectA);
    await waitFor(() => connection.has('a', last), "A's live events");
    await settle([[connection, 'a']], () => probe(projectA));

    expect(connection.positions('a')).toEqual(await logPositions((e) => e.metadata.projectId === projectA));
    expect(connection.events('a').every((e) => e.metadata.projectId === projectA)).toBe(true);
    expect(connection.positions('stream-a')).toEqual(await logPositions((e) => e.streamId === projectStreamId(projectA)));
    expect(connection.events('stream-a').some((e) => e.type === 'ProjectRenamed')).toBe(true);
    expect(connection.positions('stream-b')).toEqual([]);
    expect(connection.log).toEqual([]);
  });

  it('every project role holds events:subscribe (a viewer too): each may follow its project', async () => {
    // The permission map grants events:subscribe to every project role, so "member without the
    // permission" (403) cannot be produced with a real role.
    expect(PROJECT_ROLES.filter((role) => !hasPermission(role, permissions.subscribeEvents))).toEqual([]);
    const connections = new Map<ProjectRole, Connection>();
    for (const role of PROJECT_ROLES) {
      const user = await member(`role-${role}`, { [projectA]: role });
      const connection = await connect(user.token);
      await connection.follow('a', { kind: 'project', projectId: projectA }, await api.store.headPosition());
      expect(await connection.subscribe('b', { kind: 'project', projectId: projectB })).toMatchObject({
        ok: false,
        error: { statusCode: 404 },
      });
      connections.set(role, connection);
    }
    const position = await rename(projectA);
    for (const [role, connection] of connections) {
      await waitFor(() => connection.has('a', position), `the rename at ${role}`);
    }
  });

  it('a project topic carries webhook events to webhook managers only (as REST does), and an import’s pair chunks to nobody: its DatasetImported announces it', async () => {
    // A project of its own: the other tests compare what A's subscribers get with every event of A.
    const projectC = await createProject('Project C');
    const connections = new Map<ProjectRole, Connection>();
    for (const role of PROJECT_ROLES) {
      const user = await member(`hooks-${role}`, { [projectC]: role });
      const connection = await connect(user.token);
      await connection.follow('a', { kind: 'project', projectId: projectC }, await api.store.headPosition());
      connections.set(role, connection);
    }
    const owner = await connect(api.ownerToken);
    await owner.follow('a', { kind: 'project', projectId: projectC }, await api.store.headPosition());
    // A receiver on a reserved name, for a kind nothing here records: no delivery is ever attempted.
    const hook = await api.request('POST', `/api/projects/${projectC}/webhooks`, { url: 'https://hooks.example.test/camel', events: ['queue.item.completed'] });
    expect(hook.status).toBe(201);
    const imported = await api.request('POST', `/api/projects/${projectC}/datasets/import`, {
      name: `live-${randomUUID().slice(0, 8)}`,
      content: JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' }),
    });
    expect(imported.status).toBe(201);
    const marker = await rename(projectC);
    for (const connection of [...connections.values(), owner]) await waitFor(() => connection.has('a', marker), 'the marker');
    const types = (connection: Connection) => connection.events('a').map((e) => e.type);
    for (const [role, connection] of connections) {
      expect([role, types(connection).includes('WebhookRegistered')]).toEqual([role, hasPermission(role, permissions.manageWebhooks)]);
      expect([role, types(connection).includes('DatasetImported'), types(connection).includes('DatasetPairsImported')]).toEqual([role, true, true]);
      // An import's chunk goes out without its pairs (read with the preview and export routes).
      expect(connection.events('a').find((e) => e.type === 'DatasetPairsImported')?.data).toEqual({ datasetId: imported.body.id, version: 1, offset: 0, pairCount: 1, pairsOmitted: true });
    }
    expect(types(owner)).toEqual(expect.arrayContaining(['WebhookRegistered', 'DatasetPairsImported', 'DatasetImported']));
    // The log has them all; the gateway only chooses who gets them live.
    const logged = (await api.store.readAll({ after: hook.body.position - 1, limit: 100 })).map((e) => e.type);
    expect(logged).toEqual(expect.arrayContaining(['WebhookRegistered', 'DatasetPairsImported', 'DatasetImported']));
  });

  // ---- per-event filtering of stream and type topics -------------------------------------------

  it("type and stream topics are filtered per event: a member of A gets A's only, never B's nor User*/Session*; the owner gets all", async () => {
    const user = await member('type-topic', { [projectA]: 'viewer' });
    const sessionId = jwt.decode<AccessTokenClaims>(user.token).sid;
    const connection = await connect(user.token);
    const owner = await connect(api.ownerToken);

    await connection.follow('project', { kind: 'type', prefix: 'Project' });
    await connection.follow('probe', { kind: 'type', prefix: 'Probe' });
    await connection.follow('user', { kind: 'type', prefix: 'User' });
    await connection.follow('session', { kind: 'type', prefix: 'Session' });
    await connection.follow('own-user', { kind: 'stream', streamId: userStreamId(user.id) });
    await connection.follow('own-session', { kind: 'stream', streamId: sessionStreamId(sessionId) });
    await owner.follow('project', { kind: 'type', prefix: 'Project' });
    await owner.follow('user', { kind: 'type', prefix: 'User' });
    await owner.follow('own-user', { kind: 'stream', streamId: userStreamId(user.id) });

    // Live: both projects, and user/session events (a new user signs in).
    await rename(projectB);
    await probe(projectB);
    await rename(projectA);
    await probe(projectA);
    const other = await createUser('bystander');
    await signIn(other.email);
    await rename(projectB);
    await probe(projectB);
    const lastA = await rename(projectA);
    const lastProbe = await probe(projectA);
    await waitFor(() => connection.has('project', lastA) && connection.has('probe', lastProbe), "A's events at the member");
    await waitFor(() => owner.has('project', lastA), 'the events at the owner');
    await settle([[connection, 'project'], [owner, 'project']], () => rename(projectA));

    const isProject = (e: RecordedEvent) => e.type.startsWith('Project');
    expect(connection.positions('project')).toEqual(await logPositions((e) => isProject(e) && e.metadata.projectId === projectA));
    expect(connection.positions('probe')).toEqual(
      await logPositions((e) => e.type.startsWith('Probe') && e.metadata.projectId === projectA),
    );
    expect(connection.events('project').every((e) => e.metadata.projectId === projectA)).toBe(true);
    for (const id of ['user', 'session', 'own-user', 'own-session']) expect([id, connection.positions(id)]).toEqual([id, []]);

    const ownerProject = owner.events('project');
    expect(ownerProject.map((e) => e.position)).toEqual(await logPositions(isProject));
    expect(ownerProject.some((e) => e.metadata.projectId === projectB)).toBe(true);
    expect(ownerProject.some((e) => e.metadata.projectId === projectA)).toBe(true);
    expect(owner.positions('user')).toEqual(await logPositions((e) => e.type.startsWith('User')));
    expect(owner.events('user').some((e) => e.type === 'UserCreated' && (e.data as { userId: string }).userId === other.id)).toBe(true);
    expect(owner.positions('own-user').length).toBeGreaterThan(0);
  });

  it("an API key of A as handshake token: only A's events, project B does not exist for it", async () => {
    const created = await api.request('POST', `/api/projects/${projectA}/api-keys`, { name: 'live key', role: 'viewer' });
    expect(created.status).toBe(201);
    const connection = await connect(created.body.key as string);

    expect(await connection.subscribe('b', { kind: 'project', projectId: projectB })).toMatchObject({
      ok: false,
      error: { statusCode: 404 },
    });
    await connection.follow('a', { kind: 'project', projectId: projectA });
    await connection.follow('type', { kind: 'type', prefix: 'Pro' });
    await connection.follow('user', { kind: 'type', prefix: 'User' });

    await rename(projectB);
    await probe(projectB);
    await rename(projectA);
    await probe(projectB);
    const last = await probe(projectA);
    await waitFor(() => connection.has('a', last) && connection.has('type', last), "A's events");
    await settle([[connection, 'a'], [connection, 'type']], () => probe(projectA));

    expect(connection.positions('a')).toEqual(await logPositions((e) => e.metadata.projectId === projectA));
    expect(connection.positions('type')).toEqual(await logPositions((e) => e.type.startsWith('Pro') && e.metadata.projectId === projectA));
    expect(connection.positions('user')).toEqual([]);
  });

  // ---- access changes while connected ----------------------------------------------------------

  it('removing a member from A ends its A subscription (subscription-ended, forbidden) and filters A out of its type subscription; adding it back restores A', async () => {
    const user = await member('removed', { [projectA]: 'engineer', [projectB]: 'viewer' });
    const connection = await connect(user.token);
    const head = await api.store.headPosition();
    await connection.follow('a', { kind: 'project', projectId: projectA }, head);
    await connection.follow('t', { kind: 'type', prefix: 'Probe' }, head);

    const beforeA = await probe(projectA);
    const beforeB = await probe(projectB);
    await waitFor(() => connection.has('a', beforeA) && connection.has('t', beforeB), 'events before the removal');

    const removed = await api.request('DELETE', `/api/projects/${projectA}/members/${user.id}`);
    expect(removed.status).toBe(200);
    await waitFor(() => connection.ended.length > 0, 'subscription-ended');
    expect(connection.ended).toEqual([{ subscriptionId: 'a', position: expect.any(Number), reason: 'forbidden' }]);
    const endedAt = connection.ended[0].position;
    expect(endedAt).toBeGreaterThanOrEqual(beforeA);
    const deliveredOnA = connection.positions('a');
    expect(deliveredOnA.every((p) => p <= endedAt)).toBe(true);

    // More of A, then B as the sentinel: the type subscription goes on with B only. It delivers in
    // log order, so with the sentinel it has all it will get of what came before; 'a' was closed
    // before its subscription-ended was sent.
    const afterA = [await probe(projectA), await rename(projectA), await probe(projectA)];
    const sentinel = await probe(projectB);
    await waitFor(() => connection.has('t', sentinel), 'the sentinel of B');
    expect(connection.positions('a')).toEqual(deliveredOnA);
    expect(connection.positions('t')).toEqual([beforeA, beforeB, sentinel]);
    expect(connection.positions('t').some((p) => afterA.includes(p))).toBe(false);
    // The connection itself stays (the user is still valid); A is now refused.
    expect(connection.socket.connected).toBe(true);
    expect(connection.log).toEqual(['subscription-ended:a']);
    expect(await connection.subscribe('a2', { kind: 'project', projectId: projectA })).toMatchObject({
      ok: false,
      error: { statusCode: 404 },
    });

    // Access granted again while connected: the same socket may follow A, and A reaches the type topic.
    await addMember(projectA, user.email, 'viewer');
    // The re-check runs after the event, asynchronously: retry the subscription until it passes.
    let reply = await connection.subscribe('a3', { kind: 'project', projectId: projectA }, await api.store.headPosition());
    for (const deadline = Date.now() + 10_000; !reply.ok && Date.now() < deadline; ) {
      await sleep(50);
      reply = await connection.subscribe('a3', { kind: 'project', projectId: projectA }, await api.store.headPosition());
    }
    expect(reply).toMatchObject({ ok: true });
    const regained = await probe(projectA);
    await waitFor(() => connection.has('t', regained) && connection.has('a3', regained), 'A again after re-adding');
  });

  it('under a concurrent writer, nothing committed after a removal reaches the removed member; a re-added member may subscribe as soon as the request returns', async () => {
    for (let round = 0; round < 3; round += 1) {
      const user = await member(`racer${round}`, { [projectA]: 'viewer', [projectB]: 'viewer' });
      const connection = await connect(user.token);
      const head = await api.store.headPosition();
      await connection.follow('a', { kind: 'project', projectId: projectA }, head);
      await connection.follow('t', { kind: 'type', prefix: 'Probe' }, head);
      let writing = true;
      const writer = (async () => {
        while (writing) await probe(projectA);
      })();
      await sleep(50);
      const removed = await api.request('DELETE', `/api/projects/${projectA}/members/${user.id}`);
      expect(removed.status).toBe(200);
      const removedAt = removed.body.position as number;
      await sleep(200);
      writing = false;
      await writer;
      const sentinel = await probe(projectB);
      await waitFor(() => connection.has('t', sentinel), 'the sentinel of B');
      const leaked = [...connection.positions('a'), ...connection.positions('t')].filter((p) => p > removedAt && p !== sentinel);
      expect(leaked).toEqual([]);

      await addMember(projectA, user.email, 'viewer');
      expect(await connection.subscribe('again', { kind: 'project', projectId: projectA }, await api.store.headPosition())).toMatchObject({ ok: true });
    }
  });

  it('a demoted owner: its subscription to a project it is not a member of ends; type topics then carry only its projects, no User* events', async () => {
    const user = await member('demoted', { [projectA]: 'viewer' }, { globalRole: 'owner' });
    const connection = await connect(user.token);
    const head = await api.store.headPosition();
    await connection.follow('b', { kind: 'project', projectId: projectB }, head);
    await connection.follow('project', { kind: 'type', prefix: 'Project' }, head);
    await connection.follow('user', { kind: 'type', prefix: 'User' }, head);
    const renamedB = await rename(projectB);
    const bystander = await createUser('seen-by-owner');
    await waitFor(() => connection.has('project', renamedB) && connection.has('b', renamedB), 'B while owner');
    await waitFor(() => connection.events('user').some((e) => (e.data as { userId?: string }).userId === bystander.id), 'users while owner');

    const demoted = await api.request('PATCH', `/api/users/${user.id}`, { globalRole: null });
    expect(demoted.status).toBe(200);
    await waitFor(() => connection.ended.length > 0, 'subscription-ended');
    expect(connection.ended).toEqual([{ subscriptionId: 'b', position: expect.any(Number), reason: 'forbidden' }]);
    const demotedAt = demoted.body.position as number;
    const usersBefore = connection.positions('user').filter((p) => p > demotedAt);

    await createUser('unseen');
    const laterB = await rename(projectB);
    await settle([[connection, 'project']], () => rename(projectA));
    expect(connection.has('project', laterB)).toBe(false);
    expect(connection.has('b', laterB)).toBe(false);
    expect(connection.positions('user').filter((p) => p > demotedAt)).toEqual(usersBefore);
    expect(usersBefore).toEqual([]);
    expect(connection.socket.connected).toBe(true);
  });

  it('a password reset ends the user\'s sessions: auth-expired {reason: session-revoked}, then disconnect', async () => {
    const user = await member('reset', { [projectA]: 'viewer' });
    const connection = await connect(user.token);
    const reset = await api.request('POST', `/api/users/${user.id}/reset-password`);
    expect(reset.status).toBe(200);
    await waitFor(() => connection.log.length >= 2, 'auth-expired and disconnect');
    expect(connection.log).toEqual(['auth-expired:session-revoked', 'disconnect:io server disconnect']);
    expect(await refusal({ token: user.token })).toMatchObject({ statusCode: 401, code: 'auth.session-invalid' });
  });

  it('disabling the user: auth-expired {reason: user-disabled}, then the server disconnects; the token is refused afterwards', async () => {
    const user = await member('disabled', { [projectA]: 'viewer' });
    const connection = await connect(user.token);
    await connection.follow('a', { kind: 'project', projectId: projectA }, await api.store.headPosition());

    const disabled = await api.request('POST', `/api/users/${user.id}/disable`);
    expect(disabled.status).toBe(200);
    await waitFor(() => connection.log.length >= 2, 'auth-expired and disconnect');
    expect(connection.log).toEqual(['auth-expired:user-disabled', 'disconnect:io server disconnect']);
    expect(connection.socket.connected).toBe(false);
    expect(await refusal({ token: user.token })).toMatchObject({ statusCode: 401, code: 'auth.user-disabled' });
  });

  it('revoking the API key: auth-expired {reason: api-key-revoked}, then the server disconnects; the key is refused afterwards', async () => {
    const created = await api.request('POST', `/api/projects/${projectA}/api-keys`, { name: 'revoked key', role: 'viewer' });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const connection = await connect(key);
    await connection.follow('a', { kind: 'project', projectId: projectA }, await api.store.headPosition());
    // Another key of the same project is not affected.
    const kept = await api.request('POST', `/api/projects/${projectA}/api-keys`, { name: 'kept key', role: 'viewer' });
    const bystander = await connect(kept.body.key as string);
    await bystander.follow('a', { kind: 'project', projectId: projectA }, await api.store.headPosition());

    const revoked = await api.request('DELETE', `/api/projects/${projectA}/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    await waitFor(() => connection.log.length >= 2, 'auth-expired and disconnect');
    expect(connection.log).toEqual(['auth-expired:api-key-revoked', 'disconnect:io server disconnect']);
    expect(await refusal({ token: key })).toMatchObject({ statusCode: 401, code: 'auth.api-key-invalid' });
    // The re-check passed the bystander in the same sweep that expelled the revoked key's socket;
    // the sentinels reaching it show it was not suspended either (a suspended socket gets nothing).
    await settle([[bystander, 'a']], () => probe(projectA));
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.log).toEqual([]);
  });

  it('signing out ends that session: auth-expired {reason: session-revoked}, then disconnect; another session of the user stays connected', async () => {
    const user = await member('logout', { [projectA]: 'viewer' });
    const otherSession = await signIn(user.email);
    const connection = await connect(user.token);
    const other = await connect(otherSession);
    const head = await api.store.headPosition();
    await connection.follow('a', { kind: 'project', projectId: projectA }, head);
    await other.follow('a', { kind: 'project', projectId: projectA }, head);

    const loggedOut = await api.request('POST', '/api/auth/logout', {}, { authorization: `Bearer ${user.token}` });
    expect(loggedOut.status).toBe(204);
    await waitFor(() => connection.log.length >= 2, 'auth-expired and disconnect');
    expect(connection.log).toEqual(['auth-expired:session-revoked', 'disconnect:io server disconnect']);
    expect(await refusal({ token: user.token })).toMatchObject({ statusCode: 401, code: 'auth.session-invalid' });

    const position = await probe(projectA);
    await waitFor(() => other.has('a', position), 'events at the other session');
    expect(other.socket.connected).toBe(true);
    expect(other.log).toEqual([]);
  });

  it('a token expiring in ~2 s: auth-expired {reason: token-expired}, then disconnect, when it expires', async () => {
    const user = await member('expiring', { [projectA]: 'viewer' });
    const iat = nowSeconds();
    const exp = iat + 2;
    const connection = await connect(forge(user.token, iat, exp));
    await connection.follow('a', { kind: 'project', projectId: projectA }, await api.store.headPosition());
    const position = await probe(projectA);
    await waitFor(() => connection.has('a', position), 'events while valid');

    await waitFor(() => connection.log.length >= 2, 'auth-expired and disconnect', 6_000);
    expect(connection.log).toEqual(['auth-expired:token-expired', 'disconnect:io server disconnect']);
    // Not before the token's exp (1 s tolerance for rounding), and soon after it.
    const expiredAt = connection.expiredAt as number;
    expect(expiredAt).toBeGreaterThanOrEqual(exp * 1000 - 1000);
    expect(expiredAt).toBeLessThanOrEqual(exp * 1000 + 2000);
  });

  it('the console LiveEventsClient reconnects with a fresh token after token-expired and resumes without gap or duplicate', async () => {
    const user = await member('console', { [projectA]: 'viewer' });
    const iat = nowSeconds();
    const short = forge(user.token, iat, iat + 2);
    const handed: string[] = [];
    const renewals: string[] = [];
    const client = new LiveEventsClient({
      url: api.baseUrl,
      token: () => {
        const token = handed.length === 0 ? short : user.token;
        handed.push(token);
        return token;
      },
      renewToken: async (problem) => {
        renewals.push(problem.kind === 'expired' ? `expired:${problem.message.reason}` : `refused:${problem.error.code}`);
        return true;
      },
      reconnectionDelayMs: 50,
      reconnectionDelayMaxMs: 200,
    });
    clients.push(client);
    const states: ConnectionState[] = [];
    client.onState((state) => states.push(state));
    const head = await api.store.headPosition();
    const received: RecordedEvent[] = [];
    const problems: string[] = [];
    client.subscribe({ kind: 'project', projectId: projectA }, head, {
      onEvents: (events) => received.push(...events),
      onError: (error) => problems.push(`error:${error.code}`),
      onEnded: (message) => problems.push(`ended:${message.reason}`),
    });
    await waitFor(() => client.state === 'connected', 'connected');
    for (let n = 0; n < 5; n += 1) await probe(projectA);
    await waitFor(() => received.length >= 5, 'events before the expiry');

    // Keep appending while the token expires and the client reconnects.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await probe(projectA);
        await sleep(20);
      }
    })();
    writer.catch(() => undefined);
    try {
      await waitFor(() => renewals.length > 0, 'the expiry', 6_000);
      await waitFor(() => handed.length >= 2 && client.state === 'connected', 'reconnected with a fresh token');
    } finally {
      writing = false;
      await writer;
    }
    // After the reconnect, more events.
    let last = 0;
    for (let n = 0; n < 5; n += 1) last = await probe(projectA);
    // As the other tests do: read the log once the client has the last event (on PostgreSQL a read
    // right after the append may still stop before it — commit-safe order — and miss the tail).
    await waitFor(() => received.some((e) => e.position === last), 'the last event');
    const expected = await logPositions((e) => e.metadata.projectId === projectA, head);
    // The client's one subscription delivers in log order: with the last event it holds everything
    // before it that it will ever get, duplicates included.
    await waitFor(() => received.length >= expected.length, `all ${expected.length} events`);

    expect(received.map((e) => e.position)).toEqual(expected);
    expect(renewals).toEqual(['expired:token-expired']);
    expect(handed[0]).toBe(short);
    expect(handed.slice(1).every((token) => token === user.token)).toBe(true);
    expect(client.state).toBe('connected');
    expect(states).not.toContain('unauthorized');
    expect(problems).toEqual([]);
  });
}
