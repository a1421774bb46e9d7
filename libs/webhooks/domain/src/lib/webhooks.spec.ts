import type { WebhookEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { deliveryIdFor, nextAttemptDelay, signPayload, verifySignature } from './signature';
import { checkWebhookUrl, isPrivateAddress } from './url-policy';
import { webhookDecider, type WebhookCommand } from './webhook.decider';

const spec = deciderSpec(webhookDecider);
const register = (over: Partial<Extract<WebhookCommand, { type: 'RegisterWebhook' }>> = {}): WebhookCommand => ({
  type: 'RegisterWebhook',
  webhookId: 'w1',
  projectId: 'p1',
  url: 'https://hooks.example.com/camel',
  events: ['dataset.snapshot.created', 'annotation.submitted'],
  projectStatus: 'active',
  allowPrivate: false,
  ...over,
});
const registered: WebhookEvent = {
  type: 'WebhookRegistered',
  data: { webhookId: 'w1', projectId: 'p1', url: 'https://hooks.example.com/camel', events: ['annotation.submitted', 'dataset.snapshot.created'], description: null },
};

describe('webhook decider', () => {
  it('registers with the event kinds in a fixed order', () => spec.given([]).when(register()).then([registered]));

  it.each([
    ['ftp', { url: 'ftp://example.com/x' }, 'url'],
    ['javascript', { url: 'javascript:alert(1)' }, 'url'],
    ['loopback', { url: 'http://127.0.0.1:8080/' }, 'url'],
    ['localhost', { url: 'http://localhost/' }, 'url'],
    ['cloud metadata', { url: 'http://169.254.169.254/latest' }, 'url'],
    ['ipv6 loopback', { url: 'http://[::1]/' }, 'url'],
    ['no events', { events: [] }, 'events'],
    ['an unknown event', { events: ['run.started' as never] }, 'events'],
  ])('refuses %s, naming the field', (_label, over, field) => spec.given([]).when(register(over)).thenThrows({ kind: 'validation', field }));

  it('allows private receivers when the operator does', () =>
    spec
      .given([])
      .when(register({ url: 'http://127.0.0.1:8080/hook', allowPrivate: true }))
      .then([{ ...registered, data: { ...registered.data, url: 'http://127.0.0.1:8080/hook' } } as WebhookEvent]));

  it('refuses an archived project, a second registration, removing twice', () => {
    spec.given([]).when(register({ projectStatus: 'archived' })).thenThrows({ kind: 'conflict', code: 'project.archived' });
    spec.given([registered]).when(register()).thenThrows({ kind: 'conflict', code: 'webhook.exists' });
    spec.given([registered]).when({ type: 'RemoveWebhook', webhookId: 'w1', projectId: 'p1' }).then([{ type: 'WebhookRemoved', data: { webhookId: 'w1', projectId: 'p1' } }]);
    spec.given([registered, { type: 'WebhookRemoved', data: { webhookId: 'w1', projectId: 'p1' } }]).when({ type: 'RemoveWebhook', webhookId: 'w1', projectId: 'p1' }).thenThrows({ code: 'webhook.removed' });
    spec.given([registered]).when({ type: 'RemoveWebhook', webhookId: 'w1', projectId: 'p2' }).thenThrows({ kind: 'not-found' });
  });
});

describe('webhook delivery rules', () => {
  it('classifies private addresses', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '0.0.0.0', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    for (const a of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700::1111']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    expect(checkWebhookUrl('https://user:pw@example.com/', true)).toEqual({ ok: false, message: 'url must not carry credentials' });
  });

  it('signs timestamp and body; the check refuses another body, secret or an old timestamp', () => {
    const header = signPayload('whsec_s', 1_700_000_000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_s', header, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifySignature('whsec_s', header, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature('whsec_x', header, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verifySignature('whsec_s', header, '{"a":1}', 1_700_001_000)).toBe(false);
    expect(verifySignature('whsec_s', 'garbage', '{"a":1}', 1_700_000_000)).toBe(false);
  });

  it('one delivery id per webhook and event; back-off doubles up to its cap, then stops', () => {
    expect(deliveryIdFor('w1', 'e1')).toBe(deliveryIdFor('w1', 'e1'));
    expect(deliveryIdFor('w1', 'e1')).not.toBe(deliveryIdFor('w2', 'e1'));
    const policy = { baseMs: 100, maxDelayMs: 500, maxAttempts: 5 };
    expect([1, 2, 3, 4, 5].map((n) => nextAttemptDelay(n, policy))).toEqual([100, 200, 400, 500, null]);
  });
});
