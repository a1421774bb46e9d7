import type { WebhookEventKind, WebhookView } from '@camel/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookRecord } from './webhook.entity';

const toView = (row: WebhookRecord): WebhookView => ({
  id: row.id,
  projectId: row.projectId,
  url: row.url,
  events: row.events,
  description: row.description,
  active: row.removedPosition === null,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

/** The only code that reads the `webhooks` table. */
@Injectable()
export class WebhooksReadModel {
  constructor(@InjectRepository(WebhookRecord) private readonly hooks: Repository<WebhookRecord>) {}

  async list(projectId: string): Promise<WebhookView[]> {
    return (await this.hooks.find({ where: { projectId }, order: { registeredPosition: 'ASC' } })).map(toView);
  }

  async get(projectId: string, webhookId: string): Promise<WebhookView | null> {
    const row = await this.hooks.findOneBy({ projectId, id: webhookId });
    return row ? toView(row) : null;
  }

  /** The webhooks of the project that were active when the event at `position` was recorded and want `kind`. */
  async subscribedAt(projectId: string, kind: WebhookEventKind, position: number): Promise<{ id: string; url: string }[]> {
    const rows = await this.hooks
      .createQueryBuilder('w')
      .where('w.projectId = :projectId AND w.registeredPosition < :position', { projectId, position })
      .andWhere('(w.removedPosition IS NULL OR w.removedPosition > :position)', { position })
      .orderBy('w.registeredPosition', 'ASC')
      .getMany();
    return rows.filter((row) => row.events.includes(kind)).map((row) => ({ id: row.id, url: row.url }));
  }

  async target(webhookId: string): Promise<{ url: string; active: boolean } | null> {
    const row = await this.hooks.findOneBy({ id: webhookId });
    return row ? { url: row.url, active: row.removedPosition === null } : null;
  }
}
