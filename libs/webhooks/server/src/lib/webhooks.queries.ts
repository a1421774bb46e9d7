import { DomainError, type WebhookDeliveryList, type WebhookList, type WebhookView } from '@camel/contracts';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { WebhookStore } from './webhook-store';
import { WebhooksReadModel } from './webhooks.read-model';

export class ListWebhooks extends Query<WebhookList> {
  constructor(readonly projectId: string) {
    super();
  }
}

export class GetWebhook extends Query<WebhookView> {
  constructor(readonly projectId: string, readonly webhookId: string) {
    super();
  }
}

export class ListWebhookDeliveries extends Query<WebhookDeliveryList> {
  constructor(readonly projectId: string, readonly webhookId: string, readonly limit: number) {
    super();
  }
}

async function found(registry: WebhooksReadModel, projectId: string, webhookId: string): Promise<WebhookView> {
  const hook = await registry.get(projectId, webhookId);
  if (!hook) throw DomainError.notFound('webhook.not-found', `webhook ${webhookId} does not exist`);
  return hook;
}

@QueryHandler(ListWebhooks)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooks> {
  constructor(private readonly registry: WebhooksReadModel) {}

  async execute({ projectId }: ListWebhooks): Promise<WebhookList> {
    return { webhooks: await this.registry.list(projectId) };
  }
}

@QueryHandler(GetWebhook)
export class GetWebhookHandler implements IQueryHandler<GetWebhook> {
  constructor(private readonly registry: WebhooksReadModel) {}

  execute({ projectId, webhookId }: GetWebhook): Promise<WebhookView> {
    return found(this.registry, projectId, webhookId);
  }
}

@QueryHandler(ListWebhookDeliveries)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveries> {
  constructor(
    private readonly registry: WebhooksReadModel,
    private readonly store: WebhookStore,
  ) {}

  async execute({ projectId, webhookId, limit }: ListWebhookDeliveries): Promise<WebhookDeliveryList> {
    await found(this.registry, projectId, webhookId);
    return { deliveries: await this.store.deliveries(webhookId, limit) };
  }
}

export const WEBHOOK_QUERY_HANDLERS = [ListWebhooksHandler, GetWebhookHandler, ListWebhookDeliveriesHandler];
