import { startTestApi, type TestApi, type TestResponse } from '../testing/api-harness';

/**
 * Sign-in throttling with small limits: 3 attempts per account and 5 per client address a minute.
 * The api trusts the loopback proxy, so each scenario comes from its own client address
 * (X-Forwarded-For) and the harness's own sign-in (from 127.0.0.1) does not count against it.
 */
describe('sign-in throttling (LOGIN_RATE_LIMIT=3, LOGIN_RATE_LIMIT_IP=5)', () => {
  let api: TestApi;
  const password = 'throttled-password-1';
  let counter = 0;

  const user = async (name: string) => {
    counter += 1;
    const email = `${name}-${counter}@example.test`;
    expect((await api.request('POST', '/api/users', { email, name, password })).status).toBe(201);
    return email;
  };
  const signIn = (email: string, secret: string, from: string) =>
    api.request('POST', '/api/auth/login', { email, password: secret }, { authorization: '', 'x-forwarded-for': from });
  const expectThrottled = (response: TestResponse, scope: string) => {
    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ statusCode: 429, code: 'auth.throttled', message: expect.stringContaining(scope) });
  };

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT'] = '3';
    process.env['LOGIN_RATE_LIMIT_IP'] = '5';
    process.env['TRUST_PROXY'] = 'loopback';
    api = await startTestApi('sqlite');
  });
  afterAll(() => api?.close());

  it('refuses the 4th attempt on one account even with the right password; another account works until the address limit', async () => {
    const address = '203.0.113.7';
    const alice = await user('alice');
    const bob = await user('bob');
    for (let i = 0; i < 3; i += 1) {
      const wrong = await signIn(alice, 'not-the-password-1', address);
      expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'auth.invalid-credentials' });
    }
    const head = await api.store.headPosition();
    expectThrottled(await signIn(alice, password, address), 'for this account');
    expect(await api.store.headPosition()).toBe(head);

    // The address has made 4 attempts: a 5th, on another account, still goes through …
    expect((await signIn(bob, password, address)).status).toBe(200);
    // … and the 6th is refused whichever account it names.
    expectThrottled(await signIn(bob, password, address), 'from this address');

    // From another address Bob signs in; Alice's account stays throttled wherever she comes from.
    expect((await signIn(bob, password, '198.51.100.9')).status).toBe(200);
    expectThrottled(await signIn(alice, password, '198.51.100.9'), 'for this account');
  });

  it('counts an account case- and space-insensitively', async () => {
    const address = '192.0.2.44';
    const carol = await user('carol');
    expect((await signIn(carol, password, address)).status).toBe(200);
    expect((await signIn(carol.toUpperCase(), password, address)).status).toBe(200);
    expect((await signIn(` ${carol} `, password, address)).status).toBe(200);
    expectThrottled(await signIn(carol.replace('carol', 'CAROL'), password, address), 'for this account');
  });
});
