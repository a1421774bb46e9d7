import { webhookStreamId, type Actor } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { webhookDecider, type WebhookCommand } from '@camel/webhooks';
import { WebhookRecord } from './webhook.entity';
import { webhooksProjection } from './webhooks.projection';

const ADMIN: Actor = { type: 'user', id: 'u-admin' };
const P1 = '0190a000-0000-7000-8000-0000000000a1';
const W1 = '0190a000-0000-7000-8000-0000000000b1';
const W2 = '0190a000-0000-7000-8000-0000000000b2';

describe.each(ENGINES)('webhooks projection on %s', (engine) => {
  const spec = projectionSpec(engine, webhooksProjection);
  let timeline: EventTimeline;
  const hook = (command: WebhookCommand) => timeline.decide(webhookDecider, webhookStreamId(command.webhookId), command, { actor: ADMIN, projectId: command.projectId });
  const register = (webhookId: string, url: string) =>
    hook({ type: 'RegisterWebhook', webhookId, projectId: P1, url, events: ['annotation.submitted'], projectStatus: 'active', allowPrivate: false });

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('records each webhook with the positions it delivers between; a removal closes the range', async () => {
    register(W1, 'https://a.example.com/hook');
    register(W2, 'https://b.example.com/hook');
    hook({ type: 'RemoveWebhook', webhookId: W1, projectId: P1 });
    await spec.given(timeline).then(async ({ manager }) => {
      const rows = await manager.find(WebhookRecord, { order: { registeredPosition: 'ASC' } });
      expect(rows.map((r) => ({ ...r, registeredPosition: r.registeredPosition > 0, removedPosition: r.removedPosition === null ? null : r.removedPosition > r.registeredPosition }))).toEqual([
        { id: W1, projectId: P1, url: 'https://a.example.com/hook', events: ['annotation.submitted'], description: null, createdAt: timelineTime(0), createdBy: 'user:u-admin', registeredPosition: true, removedPosition: true },
        { id: W2, projectId: P1, url: 'https://b.example.com/hook', events: ['annotation.submitted'], description: null, createdAt: timelineTime(1), createdBy: 'user:u-admin', registeredPosition: true, removedPosition: null },
      ]);
    });
  });
});
