import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER, type WebhookDeliveryView, type WebhookPayload } from '@camel/contracts';
import { appendAnnotation } from '@camel/datasets/server/testing';
import type { Engine } from '@camel/event-store/testing';
import { verifySignature } from '@camel/webhooks';
import { startWebhookReceiver, type WebhookReceiver } from '@camel/webhooks/server/testing';
import { startTestApi, type TestApi } from './api-harness';
import { pollUntil } from './poll-until';

const ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_MAX_ATTEMPTS: '4' };

/** Webhooks through the real api against a local HTTP receiver: signatures, retries, timeouts, the delivery log. */
export function webhooksApiSuite(engine: Engine): void {
  describe(`webhooks API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let receiver: WebhookReceiver;
    let projectId: string;
    const base = () => `/api/projects/${projectId}`;
    const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => pollUntil(what, read, done, { timeoutMs: 15_000, intervalMs: 25 });
    const register = async (events: string[], url = receiver.url) => {
      const created = await api.request('POST', `${base()}/webhooks`, { url, events });
      expect(created.status).toBe(201);
      return created.body as { id: string; secret: string };
    };
    const deliveries = async (webhookId: string) => ((await api.request('GET', `${base()}/webhooks/${webhookId}/deliveries`)).body as { deliveries: WebhookDeliveryView[] }).deliveries;
    const settled = (webhookId: string, count: number) =>
      until(`${count} settled deliveries of ${webhookId}`, () => deliveries(webhookId), (list) => list.length >= count && list.every((d) => d.status !== 'pending'));
    const annotate = () => appendAnnotation(api.store, { projectId, entryId: `${projectId}:turn-1`, value: { rating: 4 } });

    beforeAll(async () => {
      Object.assign(process.env, ENV);
      receiver = await startWebhookReceiver();
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Hooks' })).body.id;
    });
    afterEach(() => receiver.answer(200));
    afterAll(async () => {
      await api?.close();
      await receiver?.close();
      for (const name of Object.keys(ENV)) delete process.env[name];
    });

    it('shows the secret once, keeps it out of the log and the listing, and signs each delivery over timestamp and body', async () => {
      const hook = await register(['annotation.submitted']);
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const listed = await api.request('GET', `${base()}/webhooks`);
      expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: hook.id, url: receiver.url, events: ['annotation.submitted'], active: true })]);
      expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
      const log = await api.store.readAll({ after: 0, limit: 10_000 });
      expect(JSON.stringify(log)).not.toContain(hook.secret);
      const before = receiver.received.length;
      const { annotationId } = await annotate();
      const [delivery] = await settled(hook.id, 1);
      expect(delivery).toMatchObject({ status: 'delivered', kind: 'annotation.submitted', attempts: [expect.objectContaining({ attempt: 1, statusCode: 200, error: null })] });
      const [request] = receiver.received.slice(before);
      expect(request.headers[WEBHOOK_DELIVERY_HEADER]).toBe(delivery.id);
      expect(request.headers[WEBHOOK_EVENT_HEADER]).toBe('annotation.submitted');
      const signature = String(request.headers[WEBHOOK_SIGNATURE_HEADER]);
      const now = Math.floor(Date.now() / 1000);
      expect(verifySignature(hook.secret, signature, request.body, now)).toBe(true);
      expect(verifySignature(hook.secret, signature, `${request.body} `, now)).toBe(false);
      expect(verifySignature('whsec_other', signature, request.body, now)).toBe(false);
      expect(verifySignature(hook.secret, signature, request.body, now + 3600)).toBe(false);
      const payload = JSON.parse(request.body) as WebhookPayload;
      expect(payload).toMatchObject({ deliveryId: delivery.id, kind: 'annotation.submitted', projectId, event: { type: 'AnnotationSubmitted', data: { annotationId } } });
      await api.request('DELETE', `${base()}/webhooks/${hook.id}`);
    });

    it('retries failures and timeouts with back-off under one delivery id, then delivers once; a webhook gets only the kinds it chose', async () => {
      const hook = await register(['dataset.snapshot.created']);
      receiver.answer(200, 500, 'hang', 503);
      const before = receiver.received.length;
      await annotate(); // not a kind this webhook chose
      const imported = await api.request('POST', `${base()}/datasets/import`, { name: 'hooked', content: JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' }) });
      expect(imported.status).toBe(201);
      const [delivery] = await settled(hook.id, 1);
      expect(delivery.status).toBe('delivered');
      expect(delivery.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
        [1, 500],
        [2, null],
        [3, 503],
        [4, 200],
      ]);
      expect(delivery.attempts[1].error).toContain('no answer within 400 ms');
      const requests = receiver.received.slice(before);
      expect(requests.map((r) => r.headers[WEBHOOK_EVENT_HEADER])).toEqual(Array(4).fill('dataset.snapshot.created'));
      expect(new Set(requests.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER]))).toEqual(new Set([delivery.id]));
      expect(requests.filter((r) => r.status === 200)).toHaveLength(1);
      // Each attempt is signed anew (fresh timestamp) over the same body.
      expect(new Set(requests.map((r) => r.body)).size).toBe(1);
      await api.request('DELETE', `${base()}/webhooks/${hook.id}`);
    });

    it('gives up after the last attempt and records why', async () => {
      const hook = await register(['annotation.submitted']);
      receiver.answer(500);
      await annotate();
      const [delivery] = await settled(hook.id, 1);
      expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
      expect(delivery.attempts).toHaveLength(4);
      expect(delivery.attempts.every((a) => a.statusCode === 500 && a.error === 'answered 500')).toBe(true);
      // Removed: later events make no delivery.
      expect((await api.request('DELETE', `${base()}/webhooks/${hook.id}`)).status).toBe(200);
      expect((await api.request('DELETE', `${base()}/webhooks/${hook.id}`)).status).toBe(409);
      const probe = await register(['annotation.submitted']);
      await annotate();
      await settled(probe.id, 1);
      expect(await deliveries(hook.id)).toHaveLength(1);
      await api.request('DELETE', `${base()}/webhooks/${probe.id}`);
    });

    it('refuses urls that are not http(s) and unknown event kinds, naming the field; nothing is appended', async () => {
      const before = await api.store.headPosition();
      const cases: [unknown, string][] = [
        [{ url: 'ftp://example.com/hook', events: ['annotation.submitted'] }, 'url'],
        [{ url: 'file:///etc/passwd', events: ['annotation.submitted'] }, 'url'],
        [{ url: 'not a url', events: ['annotation.submitted'] }, 'url'],
        [{ url: 'https://user:pw@example.com/', events: ['annotation.submitted'] }, 'url'],
        [{ url: 'https://example.com/', events: [] }, 'events'],
        [{ url: 'https://example.com/', events: ['run.started'] }, 'events'],
        [{ url: 'https://example.com/', events: ['annotation.submitted'], secret: 'mine' }, 'secret'],
      ];
      for (const [body, field] of cases) {
        const answer = await api.request('POST', `${base()}/webhooks`, body);
        expect([answer.status, answer.body.fields?.map((f: { field: string }) => f.field)]).toEqual([400, expect.arrayContaining([field])]);
      }
      expect(await api.store.headPosition()).toBe(before);
    });
  });
}
