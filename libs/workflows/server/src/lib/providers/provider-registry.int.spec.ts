import type { ProviderConfig } from '@camel/configs';
import { ProviderError, type ChatRequest } from '@camel/workflows';
import { reply, startOpenAiTestServer, type OpenAiTestServer, type RecordedRequest } from '../../testing';
import type { OpenAiChatProvider } from './openai-chat-provider';
import type { ProviderLogger } from './provider-logger';
import { DEFAULT_PROVIDER_SETTINGS } from './provider-settings';
import { ProviderRegistry } from './provider-registry';

const SECRET = 'sk-proj-SECRET-9f8e7d6c5b4a3210';
const request: ChatRequest = { provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], parameters: {} };

function capturingLogger(): ProviderLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (message) => void lines.push(message), warn: (message) => void lines.push(message) };
}

describe('ProviderRegistry', () => {
  let server: OpenAiTestServer;
  const registries: ProviderRegistry[] = [];
  const registry = (env: Record<string, string>, log?: ProviderLogger) => {
    const created = new ProviderRegistry({ env, log, settings: { ...DEFAULT_PROVIDER_SETTINGS, maxAttempts: 3, retryBaseDelayMs: 5 } });
    registries.push(created);
    return created;
  };
  const openai = (): ProviderConfig => ({ id: 'openai', type: 'openai', base_url: server.url, api_key_env: 'OPENAI_API_KEY' });

  beforeEach(async () => {
    server = await startOpenAiTestServer();
  });
  afterEach(async () => {
    for (const created of registries.splice(0)) created.close();
    await server.close();
  });

  it('a missing key variable is not_configured with a clear message, and nothing is sent', async () => {
    const error = await registry({}).provider(openai()).complete(request).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('not_configured');
    expect((error as ProviderError).retryable).toBe(false);
    expect((error as ProviderError).message).toBe('provider openai: OPENAI_API_KEY is not set');
    expect(server.requests).toHaveLength(0);
  });

  it('sends the key from the named variable as a Bearer token, read on every call', async () => {
    const env: Record<string, string> = { OPENAI_API_KEY: SECRET };
    const provider = registry(env).provider(openai());
    await provider.complete(request);
    env['OPENAI_API_KEY'] = `${SECRET}-rotated`;
    await provider.complete(request);
    expect(server.requests.map((sent) => sent.headers.authorization)).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}-rotated`]);
  });

  it('the key never appears in an error or in the logs, even when the endpoint echoes it back', async () => {
    const log = capturingLogger();
    const provider = registry({ OPENAI_API_KEY: SECRET }, log).provider(openai());
    const echo = (sent: { headers: { authorization?: string } }) => ({ error: { message: `Incorrect API key provided: ${sent.headers.authorization}`, type: 'invalid_request_error' } });
    server.enqueue(reply.status(401, { body: echo }));
    server.respondWith(() => reply.status(500, { body: (sent: RecordedRequest) => echo(sent) }));

    const unauthorized = (await provider.complete(request).catch((thrown: unknown) => thrown)) as ProviderError;
    expect(unauthorized.kind).toBe('unauthorized');
    expect(unauthorized.message).toBe('provider openai: the endpoint refused the key in OPENAI_API_KEY (HTTP 401)');

    const failed = (await provider.complete(request).catch((thrown: unknown) => thrown)) as ProviderError;
    expect(failed.kind).toBe('server_error');
    expect(failed.message).toContain('Incorrect API key provided: Bearer [redacted]');

    expect(server.requests).toHaveLength(4);
    expect(server.requests.every((sent) => sent.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
    expect(log.lines.length).toBeGreaterThanOrEqual(2);
    for (const text of [unauthorized.message, unauthorized.stack, JSON.stringify(unauthorized), failed.message, failed.stack, JSON.stringify(failed), ...log.lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.slice(8));
    }
  });

  it('shares one breaker and cap per (provider id, base_url), across config versions and key variables', async () => {
    const shared = registry({});
    const first = shared.provider(openai()) as OpenAiChatProvider;
    expect(shared.provider(openai())).toBe(first);
    const otherKey = shared.provider({ ...openai(), api_key_env: 'OTHER_KEY' }) as OpenAiChatProvider;
    expect(otherKey).not.toBe(first);
    expect(otherKey.guard).toBe(first.guard);
    const otherUrl = shared.provider({ ...openai(), base_url: `${server.url}/other` }) as OpenAiChatProvider;
    expect(otherUrl.guard).not.toBe(first.guard);
    const otherId = shared.provider({ ...openai(), id: 'openai2' }) as OpenAiChatProvider;
    expect(otherId.guard).not.toBe(first.guard);
  });

  it('providersOf resolves a config set’s provider ids and names an unknown one', async () => {
    const set = registry({ OPENAI_API_KEY: SECRET }).providersOf({ agents: { version: 1, providers: [openai()], agents: [] }, workflows: {} });
    expect((await set.get('openai').complete(request)).choices[0].content).toBe('Echo from gpt-4o-mini: hi');
    expect(() => set.get('nope')).toThrow('provider nope: not in agents.yaml');
  });
});
