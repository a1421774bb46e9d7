import { startTestApi, type TestApi } from '../testing/api-harness';

/** Issue 12, item 5: an owner's password reset stops the old password at once. */
describe('password reset (SQLite)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite');
  });
  afterAll(() => api.close());

  const signIn = (email: string, password: string) => api.request('POST', '/api/auth/login', { email, password }, { authorization: '' });

  it('the old password no longer signs in once the reset link is issued, and the link sets a new one', async () => {
    const email = 'reset-me@example.test';
    const password = 'the-old-password-1';
    const created = await api.request('POST', '/api/users', { email, name: 'Reset Me', password });
    expect(created.status).toBe(201);
    const before = await signIn(email, password);
    expect(before.status).toBe(200);

    const reset = await api.request('POST', `/api/users/${created.body.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(await signIn(email, password)).toMatchObject({ status: 401, body: { code: 'auth.invalid-credentials' } });
    expect((await api.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${before.body.accessToken}` })).status).toBe(401);

    const fresh = 'the-new-password-2';
    expect((await api.request('POST', '/api/auth/accept-invite', { token: reset.body.resetToken, password: fresh }, { authorization: '' })).status).toBe(201);
    expect((await signIn(email, fresh)).status).toBe(200);
    expect((await signIn(email, password)).status).toBe(401);
  });
});
