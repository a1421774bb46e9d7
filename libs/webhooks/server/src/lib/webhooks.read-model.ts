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

export interface WebhookSubscription {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventKind[];
  readonly registeredPosition: number;
  readonly removedPosition: number | null;
}

/** The webhook was active when the event at `position` was recorded, and wants `kind`. */
export const activeAt = (hook: WebhookSubscription, kind: WebhookEventKind, position: number): boolean =>
  hook.registeredPosition < position && (hook.removedPosition === null || hook.removedPosition > position) && hook.events.includes(kind);

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

  /**
   * The webhooks of the project registered before `upTo` and not removed before `from` (a batch of
   * events from..upTo): one read per project and batch; `activeAt` picks each event's among them.
   */
  async subscribedDuring(projectId: string, from: number, upTo: number): Promise<WebhookSubscription[]> {
    const rows = await this.hooks
      .createQueryBuilder('w')
      .where('w.projectId = :projectId AND w.registeredPosition < :upTo', { projectId, upTo })
      .andWhere('(w.removedPosition IS NULL OR w.removedPosition > :from)', { from })
      .orderBy('w.registeredPosition', 'ASC')
      .getMany();
    return rows.map((row) => ({ id: row.id, url: row.url, events: row.events, registeredPosition: row.registeredPosition, removedPosition: row.removedPosition }));
  }

  async target(webhookId: string): Promise<{ url: string; active: boolean } | null> {
    const row = await this.hooks.findOneBy({ id: webhookId });
    return row ? { url: row.url, active: row.removedPosition === null } : null;
  }
}
