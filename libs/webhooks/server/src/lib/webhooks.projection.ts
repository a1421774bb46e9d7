import { WEBHOOK_EVENTS, type RecordedEvent, type WebhookEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { WebhookRecord } from './webhook.entity';

/** The webhook registry: which webhooks a project has, and from/to which log position each delivers. */
export const webhooksProjection: ReadModelProjection = {
  name: 'webhooks',
  version: 1,
  entities: [WebhookRecord],
  eventTypes: WEBHOOK_EVENTS,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as WebhookEvent;
    const hooks = manager.getRepository(WebhookRecord);
    switch (event.type) {
      case 'WebhookRegistered':
        await manager
          .createQueryBuilder()
          .insert()
          .into(WebhookRecord)
          .values({
            id: event.data.webhookId,
            projectId: event.data.projectId,
            url: event.data.url,
            events: [...event.data.events],
            description: event.data.description,
            createdAt: recorded.metadata.time,
            createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
            registeredPosition: recorded.position,
            removedPosition: null,
          })
          .orIgnore()
          .execute();
        return;
      case 'WebhookRemoved':
        await hooks.update({ id: event.data.webhookId }, { removedPosition: recorded.position });
        return;
    }
  },
};
