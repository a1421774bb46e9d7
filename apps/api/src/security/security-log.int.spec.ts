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

  it('counts the refusals it logs by status and code, for owners, as Prometheus text', async () => {
    const metrics = async () => {
      const response = await api.request('GET', '/api/metrics/security');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      return String(response.body);
    };
    const series = (text: string, status: number, code: string) =>
      Number(new RegExp(`^camel_security_refusals_total\\{status="${status}",code="${code.replace(/\./g, '\\.')}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = await metrics();
    for (let i = 0; i < 3; i += 1) {
      expect((await api.request('POST', '/api/auth/login', { email: TEST_OWNER.email, password: `wrong-${i}-password-here` }, { authorization: '' })).status).toBe(401);
    }
    // The metrics route itself refuses the anonymous (and that refusal is counted too).
    const anonymous = await api.request('GET', '/api/metrics/security', undefined, { authorization: '' });
    expect(anonymous.status).toBe(401);
    const after = await metrics();
    expect(series(after, 401, 'auth.invalid-credentials') - series(before, 401, 'auth.invalid-credentials')).toBe(3);
    expect(series(after, 401, anonymous.body.code) - series(before, 401, anonymous.body.code)).toBe(1);
    expect(after).toContain('# TYPE camel_security_refusals_total counter');
    expect(after).not.toContain('wrong-0-password-here');
  });
});
