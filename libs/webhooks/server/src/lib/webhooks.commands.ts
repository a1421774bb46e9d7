import { WEBHOOK_STREAM_TYPE, webhookStreamId, type CommandAccepted, type CreateWebhookRequest, type WebhookCreated } from '@camel/contracts';
import { ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { newWebhookSecret, webhookDecider } from '@camel/webhooks';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhooks.config';
import { WebhookStore } from './webhook-store';

export class RegisterWebhook extends Command<WebhookCreated> {
  constructor(readonly projectId: string, readonly request: CreateWebhookRequest) {
    super();
  }
}

export class RemoveWebhook extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly webhookId: string) {
    super();
  }
}

@CommandHandler(RegisterWebhook)
export class RegisterWebhookHandler implements ICommandHandler<RegisterWebhook> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  /** The secret goes to the credential table in the event's transaction; the event never holds it. */
  async execute({ projectId, request }: RegisterWebhook): Promise<WebhookCreated> {
    const webhookId = this.newId();
    const secret = newWebhookSecret();
    const outcome = await this.executor.execute(webhookDecider, {
      streamId: webhookStreamId(webhookId),
      streamType: WEBHOOK_STREAM_TYPE,
      projectId,
      command: {
        type: 'RegisterWebhook',
        webhookId,
        projectId,
        url: request.url,
        events: request.events,
        description: request.description,
        projectStatus: await this.projects.standing(projectId),
        allowPrivate: this.config.allowPrivate,
      },
      inTransaction: (tx) => WebhookStore.storeSecret(tx, webhookId, secret),
    });
    return { id: webhookId, version: outcome.version, position: outcome.position, secret };
  }
}

@CommandHandler(RemoveWebhook)
export class RemoveWebhookHandler implements ICommandHandler<RemoveWebhook> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ projectId, webhookId }: RemoveWebhook): Promise<CommandAccepted> {
    const outcome = await this.executor.execute(webhookDecider, {
      streamId: webhookStreamId(webhookId),
      streamType: WEBHOOK_STREAM_TYPE,
      projectId,
      command: { type: 'RemoveWebhook', webhookId, projectId },
      inTransaction: (tx) => WebhookStore.deleteSecret(tx, webhookId),
    });
    return { id: webhookId, version: outcome.version, position: outcome.position };
  }
}

export const WEBHOOK_COMMAND_HANDLERS = [RegisterWebhookHandler, RemoveWebhookHandler];
