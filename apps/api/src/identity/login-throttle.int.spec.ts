import { startTestApi, type TestApi, type TestResponse } from '../testing/api-harness';

/**
 * Sign-in and password-change throttling with small limits: 3 attempts per (account, client address)
 * and 5 per client address a minute.
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
    // Seconds until the window ends: at most the one-minute window.
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(response.body.message).toContain(`try again in ${retryAfter} s`);
  };

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT'] = '3';
    process.env['LOGIN_RATE_LIMIT_IP'] = '5';
    process.env['TRUST_PROXY'] = 'loopback';
    api = await startTestApi('sqlite');
  });
  afterAll(() => api?.close());

  it('refuses the 4th attempt on one account from one address even with the right password, with Retry-After; other addresses are not locked out', async () => {
    const address = '203.0.113.7';
    const alice = await user('alice');
    const bob = await user('bob');
    for (let i = 0; i < 3; i += 1) {
      const wrong = await signIn(alice, 'not-the-password-1', address);
      expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'auth.invalid-credentials' });
    }
    const head = await api.store.headPosition();
    const throttled = await signIn(alice, password, address);
    expectThrottled(throttled, 'for this account from this address');
    expect(await api.store.headPosition()).toBe(head);

    // Wrong guesses from one address do not lock Alice out elsewhere.
    expect((await signIn(alice, password, '198.51.100.9')).status).toBe(200);

    // The address has made 4 attempts: a 5th, on another account, still goes through …
    expect((await signIn(bob, password, address)).status).toBe(200);
    // … and the 6th is refused whichever account it names.
    expectThrottled(await signIn(bob, password, address), 'from this address');
    // From another address Bob signs in.
    expect((await signIn(bob, password, '198.51.100.10')).status).toBe(200);
  });

  it('throttles POST /api/auth/password per account and address: the 4th guess is refused even when right, appending nothing', async () => {
    const address = '192.0.2.77';
    const dana = await user('dana');
    const session = await signIn(dana, password, '192.0.2.78');
    expect(session.status).toBe(200);
    const change = (currentPassword: string) =>
      api.request(
        'POST',
        '/api/auth/password',
        { currentPassword, newPassword: 'danas-next-password-1' },
        { authorization: `Bearer ${session.body.accessToken}`, 'x-forwarded-for': address },
      );
    for (let i = 0; i < 3; i += 1) {
      const wrong = await change(`wrong-guess-number-${i}`);
      expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 400, code: 'auth.password-incorrect' });
    }
    const head = await api.store.headPosition();
    expectThrottled(await change(password), 'for this account from this address');
    expect(await api.store.headPosition()).toBe(head);
    // Another account's password change from the same address is not blocked by Dana's guesses.
    const erin = await user('erin');
    const erinSession = await signIn(erin, password, '192.0.2.79');
    const other = await api.request(
      'POST',
      '/api/auth/password',
      { currentPassword: password, newPassword: 'erins-next-password-1' },
      { authorization: `Bearer ${erinSession.body.accessToken}`, 'x-forwarded-for': address },
    );
    expect(other.status).toBe(204);
  });

  it('counts an account case- and space-insensitively', async () => {
    const address = '192.0.2.44';
    const carol = await user('carol');
    expect((await signIn(carol, password, address)).status).toBe(200);
    expect((await signIn(carol.toUpperCase(), password, address)).status).toBe(200);
    expect((await signIn(` ${carol} `, password, address)).status).toBe(200);
    expectThrottled(await signIn(carol.replace('carol', 'CAROL'), password, address), 'for this account from this address');
  });
});
