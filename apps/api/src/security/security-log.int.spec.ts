import { Logger } from '@nestjs/common';
import { startTestApi, TEST_OWNER, type TestApi } from '../testing/api-harness';

/** Issue 12, item 7: refusals (failed sign-ins, 401, 403, 429) are structured log lines without secrets. */
describe('security log (SQLite)', () => {
  let api: TestApi;
  const lines: string[] = [];
  beforeAll(async () => {
    api = await startTestApi('sqlite');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
      if ((this as unknown as { context?: string }).context === 'Security') lines.push(String(message));
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it('logs a failed sign-in and a missing token with request id and client address, never the password', async () => {
    const wrong = 'a-wrong-password-that-must-not-be-logged';
    const refused = await api.request('POST', '/api/auth/login', { email: TEST_OWNER.email, password: wrong }, { authorization: '' });
    expect(refused.status).toBe(401);
    const anonymous = await api.request('GET', '/api/projects?token=secret-in-query', undefined, { authorization: '' });
    expect(anonymous.status).toBe(401);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      { event: 'refused', status: 401, code: 'auth.invalid-credentials', method: 'POST', path: '/api/auth/login', requestId: refused.body.requestId, client: expect.stringMatching(/127\.0\.0\.1/) },
      expect.objectContaining({ status: 401, method: 'GET', path: '/api/projects', requestId: anonymous.body.requestId }),
    ]);
    expect(lines.join('\n')).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain('secret-in-query');
  });
});
