import { randomUUID } from 'node:crypto';
import { hasPermission, PROJECT_ROLES, type ProjectRole } from '@camel/contracts';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { type RouteAccess } from '@camel/server';
import { routeTable, type RouteEntry } from './route-table';

/**
 * The declared access of every route, pinned: adding a route without adding it here fails, and so
 * does weakening or changing a declaration. Format: `public`, `authenticated`,
 * `installation <permission>`, `project <permission> :<param>`, `some-project <permission>`.
 */
const DECLARED: Record<string, string> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/accept-invite': 'public',
  'GET /api/auth/me': 'authenticated',
  'POST /api/auth/password': 'authenticated',
  'GET /api/users': 'installation users:manage',
  'POST /api/users': 'installation users:manage',
  'GET /api/users/:id': 'installation users:manage',
  'PATCH /api/users/:id': 'installation users:manage',
  'POST /api/users/:id/disable': 'installation users:manage',
  'POST /api/users/:id/enable': 'installation users:manage',
  'POST /api/users/:id/reset-password': 'installation users:manage',
  'GET /api/projects': 'authenticated',
  'POST /api/projects': 'installation project:create',
  'GET /api/projects/:id': 'project project:read :id',
  'PATCH /api/projects/:id': 'project project:update :id',
  'POST /api/projects/:id/archive': 'project project:archive :id',
  'GET /api/projects/:id/members': 'project project:read :id',
  'POST /api/projects/:id/members': 'project project:members:manage :id',
  'PATCH /api/projects/:id/members/:userId': 'project project:members:manage :id',
  'DELETE /api/projects/:id/members/:userId': 'project project:members:manage :id',
  'GET /api/projects/:id/api-keys': 'project project:api-keys:manage :id',
  'POST /api/projects/:id/api-keys': 'project project:api-keys:manage :id',
  'DELETE /api/projects/:id/api-keys/:keyId': 'project project:api-keys:manage :id',
  'GET /api/projects/:id/configs': 'project config:read :id',
  'POST /api/projects/:id/configs': 'project config:write :id',
  'POST /api/projects/:id/configs/validate': 'project config:read :id',
  'GET /api/projects/:id/configs/versions': 'project config:read :id',
  'GET /api/projects/:id/configs/versions/:version': 'project config:read :id',
  'POST /api/projects/:id/configs/versions/:version/restore': 'project config:write :id',
  'GET /api/projects/:id/configs/diff': 'project config:read :id',
  'GET /api/projects/:id/configs/export': 'project config:read :id',
  'POST /api/projects/:id/configs/import': 'project config:write :id',
  'POST /api/projects/:id/runs': 'project run:start :id',
  'POST /api/projects/:id/runs/preflight': 'project run:start :id',
  'GET /api/projects/:id/runs': 'project run:read :id',
  'GET /api/projects/:id/runs/:runId': 'project run:read :id',
  'GET /api/projects/:id/runs/:runId/entries': 'project run:read :id',
  'GET /api/projects/:id/runs/:runId/replay': 'project run:read :id',
  'POST /api/projects/:id/runs/:runId/pause': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/resume': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/step': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/cancel': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/retry': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/input': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/choice': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/turns/:turnId/regenerate': 'project run:control :id',
  'POST /api/projects/:id/runs/:runId/rerun': 'project run:start :id',
  'GET /api/projects/:id/logs': 'project run:read :id',
  'GET /api/projects/:id/logs/:entryId': 'project run:read :id',
  'GET /api/projects/:id/label-set': 'project annotation:read :id',
  'PUT /api/projects/:id/label-set': 'project annotation:manage :id',
  'POST /api/projects/:id/annotations': 'project annotation:write :id',
  'GET /api/projects/:id/annotations': 'project annotation:read :id',
  'GET /api/projects/:id/annotations/:annotationId': 'project annotation:read :id',
  'PUT /api/projects/:id/annotations/:annotationId': 'project annotation:write :id',
  'POST /api/projects/:id/annotations/:annotationId/withdraw': 'project annotation:write :id',
  'POST /api/projects/:id/annotation-queues': 'project annotation:manage :id',
  'GET /api/projects/:id/annotation-queues': 'project annotation:read :id',
  'GET /api/projects/:id/annotation-queues/:queueId': 'project annotation:read :id',
  'PATCH /api/projects/:id/annotation-queues/:queueId': 'project annotation:manage :id',
  'DELETE /api/projects/:id/annotation-queues/:queueId': 'project annotation:manage :id',
  'POST /api/projects/:id/annotation-queues/:queueId/close': 'project annotation:manage :id',
  'POST /api/projects/:id/annotation-queues/:queueId/reopen': 'project annotation:manage :id',
  'DELETE /api/projects/:id/annotation-queues/:queueId/items/:itemId': 'project annotation:manage :id',
  'POST /api/projects/:id/annotation-queues/:queueId/items': 'project annotation:manage :id',
  'GET /api/projects/:id/annotation-queues/:queueId/items': 'project annotation:read :id',
  'POST /api/projects/:id/annotation-queues/:queueId/next': 'project annotation:write :id',
  'GET /api/projects/:id/annotation-queues/:queueId/items/:itemId': 'project annotation:read :id',
  'POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/responses': 'project annotation:write :id',
  'POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/skip': 'project annotation:write :id',
  'POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/release': 'project annotation:write :id',
  'POST /api/projects/:id/annotation-queues/:queueId/items/:itemId/adjudicate': 'project annotation:manage :id',
  'GET /api/projects/:id/annotation-queues/:queueId/progress': 'project annotation:read :id',
  'GET /api/projects/:id/annotation-queues/:queueId/agreement': 'project annotation:read :id',
  'POST /api/projects/:id/datasets': 'project dataset:create :id',
  'POST /api/projects/:id/datasets/import': 'project dataset:create :id',
  'GET /api/projects/:id/datasets': 'project dataset:read :id',
  'GET /api/projects/:id/datasets/:datasetId': 'project dataset:read :id',
  'GET /api/projects/:id/datasets/:datasetId/versions/:version': 'project dataset:read :id',
  'GET /api/projects/:id/datasets/:datasetId/versions/:version/preview': 'project dataset:read :id',
  'GET /api/projects/:id/datasets/:datasetId/versions/:version/export': 'project dataset:read :id',
  'POST /api/projects/:id/training-runs': 'project training:start :id',
  'GET /api/projects/:id/training-runs': 'project training:read :id',
  'GET /api/projects/:id/training-runs/:runId': 'project training:read :id',
  'POST /api/projects/:id/training-runs/:runId/cancel': 'project training:start :id',
  'GET /api/training/presets': 'some-project training:read',
  'POST /api/projects/:id/webhooks': 'project webhook:manage :id',
  'GET /api/projects/:id/webhooks': 'project webhook:manage :id',
  'GET /api/projects/:id/webhooks/:webhookId': 'project webhook:manage :id',
  'DELETE /api/projects/:id/webhooks/:webhookId': 'project webhook:manage :id',
  'GET /api/projects/:id/webhooks/:webhookId/deliveries': 'project webhook:manage :id',
  'GET /api/audit': 'some-project audit:read',
  'GET /api/projects/:id/models': 'project model:read :id',
  'GET /api/projects/:id/models/compare': 'project model:read :id',
  'POST /api/projects/:id/models/import': 'project model:manage :id',
  'GET /api/projects/:id/models/:modelId': 'project model:read :id',
  'POST /api/projects/:id/models/:modelId/tags': 'project model:manage :id',
  'DELETE /api/projects/:id/models/:modelId/tags/:tag': 'project model:manage :id',
  'POST /api/projects/:id/models/:modelId/archive': 'project model:manage :id',
  // OpenAI-compatible serving: any credential; the handler requires model:read in the key's project or the OpenAI-Project header's.
  'GET /v1/models': 'authenticated',
  'POST /v1/chat/completions': 'authenticated',
  'POST /api/audit/verify': 'some-project audit:verify',
  'POST /api/audit/checkpoints': 'installation audit:verify',
  'GET /api/metrics/security': 'installation audit:read',
  'POST /api/admin/queue-board/session': 'installation queues:manage',
};

function describeAccess(access: RouteAccess | undefined): string {
  if (!access) return 'UNDECLARED';
  switch (access.kind) {
    case 'public':
    case 'authenticated':
      return access.kind;
    case 'installation':
    case 'some-project':
      return `${access.kind} ${access.permission}`;
    case 'project':
      return `project ${access.permission} :${access.param}`;
  }
}

type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'owner' }
  | { readonly kind: 'outsider' }
  | { readonly kind: 'member'; readonly role: ProjectRole }
  | { readonly kind: 'api-key'; readonly role: ProjectRole };

const CALLERS: readonly Caller[] = [
  { kind: 'anonymous' },
  { kind: 'owner' },
  { kind: 'outsider' },
  ...PROJECT_ROLES.map((role) => ({ kind: 'member', role }) as const),
  { kind: 'api-key', role: 'admin' },
  { kind: 'api-key', role: 'viewer' },
];

const label = (caller: Caller) => ('role' in caller ? `${caller.kind}(${caller.role})` : caller.kind);

type Outcome = 'allow' | 401 | 403 | 404;

/** What the permission map says this caller gets on this route (independent of the guard's code). */
function expected(caller: Caller, access: RouteAccess): Outcome {
  if (access.kind === 'public') return 'allow';
  if (caller.kind === 'anonymous') return 401;
  if (access.kind === 'authenticated') return 'allow';
  if (caller.kind === 'owner') return hasPermission('owner', access.permission) ? 'allow' : 403;
  if (access.kind === 'installation') return 403;
  if (caller.kind === 'outsider') return access.kind === 'project' ? 404 : 403;
  return hasPermission(caller.role, access.permission) ? 'allow' : 403;
}

/**
 * What the guard decided, read off the answer. On public routes the guard never authenticates, so a
 * 401 there is the handler's own answer (e.g. refresh without a refresh token), not a refusal.
 */
function observed(access: RouteAccess, status: number, code: string | undefined): Outcome {
  if (status === 401 && access.kind !== 'public') return 401;
  if (status === 403 && code?.startsWith('auth.')) return 403;
  if (status === 404 && code === 'project.not-found') return 404;
  return 'allow';
}

describe('role × route access matrix (every route of the app, every kind of caller)', () => {
  let api: TestApi;
  let routes: RouteEntry[];
  const tokens = new Map<string, string>();
  const params: Record<string, string> = {};

  const signIn = async (email: string, password: string) => {
    const response = await api.request('POST', '/api/auth/login', { email, password }, { authorization: '' });
    expect(response.status).toBe(200);
    return response.body.accessToken as string;
  };

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
    api = await startTestApi('sqlite');
    routes = routeTable(api.app);
    const project = await api.request('POST', '/api/projects', { name: 'Matrix' });
    params['id'] = project.body.id;
    tokens.set('owner', api.ownerToken);
    const password = 'matrix-password-123';
    const user = async (name: string) => {
      const created = await api.request('POST', '/api/users', { email: `${name}@example.test`, name, password });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    await user('outsider');
    tokens.set('outsider', await signIn('outsider@example.test', password));
    for (const role of PROJECT_ROLES) {
      const id = await user(role);
      expect((await api.request('POST', `/api/projects/${params['id']}/members`, { userId: id, role })).status).toBe(201);
      tokens.set(`member(${role})`, await signIn(`${role}@example.test`, password));
    }
    for (const role of ['admin', 'viewer'] as const) {
      const key = await api.request('POST', `/api/projects/${params['id']}/api-keys`, { name: `${role} key`, role });
      expect(key.status).toBe(201);
      tokens.set(`api-key(${role})`, key.body.key);
    }
    // Targets of the sub-resource routes (never one of the callers, so their requests keep working).
    params['userId'] = await user('target');
    await api.request('POST', `/api/projects/${params['id']}/members`, { userId: params['userId'], role: 'viewer' });
    const key = await api.request('POST', `/api/projects/${params['id']}/api-keys`, { name: 'target key', role: 'viewer' });
    params['keyId'] = key.body.id;
    params['version'] = '1';
    params['datasetId'] = randomUUID();
    params['webhookId'] = randomUUID();
    params['modelId'] = randomUUID();
    params['tag'] = 'production';
  });
  afterAll(() => api?.close());

  it('pins the declared access of every route, and every route declares one', () => {
    const table = Object.fromEntries(routes.map((route) => [`${route.method} ${route.path}`, describeAccess(route.access)]));
    expect(table).toEqual(DECLARED);
  });

  it('covers every path of the OpenAPI document', async () => {
    const document = await api.request('GET', '/api/docs-json');
    const documented = Object.entries(document.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(documented).toEqual(Object.keys(DECLARED).sort());
  });

  it('answers every caller on every route as the permission map says', async () => {
    // Sign-out ends the caller's session, so it goes last.
    const ordered = [...routes].sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of ordered) {
      const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name);
      const hasBody = route.method === 'POST' || route.method === 'PATCH';
      for (const caller of CALLERS) {
        const token = tokens.get(label(caller));
        const response = await api.request(route.method, path, hasBody ? {} : undefined, { authorization: token ? `Bearer ${token}` : '' });
        const want = expected(caller, route.access as RouteAccess);
        const got = observed(route.access as RouteAccess, response.status, response.body?.code);
        checked += 1;
        if (want !== got) mismatches.push(`${route.method} ${route.path} as ${label(caller)}: expected ${want}, got ${response.status} ${response.body?.code ?? ''}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  });
});
