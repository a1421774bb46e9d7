import type { Engine } from '@camel/event-store/testing';
import { startTestApi, type TestApi } from './api-harness';

const PEOPLE = 50;

/**
 * 50 new users signing in at the same moment (as the annotations benchmark's setup does): every
 * sign-in answers 200 with a token that works at once, on both engines. The commands' own wait for
 * the projections is short here (1 s), as it ran out under the benchmark's load: a sign-in must still
 * not hand out a token before the identity read model has its session (it answered 401
 * `auth.session-invalid` then).
 */
export function parallelSignInSuite(engine: Engine): void {
  let api: TestApi;

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT'] = '100000';
    process.env['LOGIN_RATE_LIMIT_IP'] = '100000';
    process.env['PROJECTION_WAIT_MS'] = '1000';
    api = await startTestApi(engine);
  }, 60_000);
  afterAll(() => api?.close());

  it('signs every one in, and each token authenticates the next request', async () => {
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ email: `parallel-${i}@example.test`, name: `Parallel ${i}`, password: `parallel-password-${i}-long` }));
    for (const person of people) expect((await api.request('POST', '/api/users', person)).status).toBe(201);
    const answers = await Promise.all(
      people.map(async ({ email, password }) => {
        const login = await api.request('POST', '/api/auth/login', { email, password }, { authorization: '' });
        if (login.status !== 200) return { email, status: login.status, code: login.body?.code };
        const me = await api.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${login.body.accessToken}` });
        return { email, status: me.status, code: me.body?.code ?? me.body?.email };
      }),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.map((a) => a.code)).toEqual(people.map((p) => p.email));
  }, 120_000);
}
