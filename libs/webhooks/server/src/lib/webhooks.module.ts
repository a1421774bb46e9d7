import type { EventStore, ProjectionRunner } from '@camel/event-store';
import type { Clock } from '@camel/kernel';
import { ProjectsModule } from '@camel/projects/server';
import { APP_CONFIG, CLOCK, CommandExecutor, EVENT_STORE, PROJECTION_RUNNER } from '@camel/server';
import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookRecord } from './webhook.entity';
import { WebhookStore } from './webhook-store';
import { WEBHOOK_COMMAND_HANDLERS } from './webhooks.commands';
import { WEBHOOK_CONFIG, webhookConfigOf, type WebhookConfig } from './webhooks.config';
import { WebhooksController } from './webhooks.controller';
import { WEBHOOK_QUERY_HANDLERS } from './webhooks.queries';
import { WebhooksReadModel } from './webhooks.read-model';

const DELIVER = Symbol('DELIVER_WEBHOOKS');

/** Project webhooks. `deliver`: this process dispatches and sends (the api); a CLI only manages them. */
@Module({})
export class WebhooksModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static forRoot(options: { readonly deliver: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [TypeOrmModule.forFeature([WebhookRecord]), ProjectsModule],
      controllers: [WebhooksController],
      providers: [
        CommandExecutor,
        WebhooksReadModel,
        { provide: DELIVER, useValue: options.deliver },
        { provide: WEBHOOK_CONFIG, inject: [APP_CONFIG], useFactory: webhookConfigOf },
        {
          provide: WebhookStore,
          inject: [EVENT_STORE],
          useFactory: async (store: EventStore) => {
            const hooks = new WebhookStore(store.db);
            await hooks.migrate();
            return hooks;
          },
        },
        {
          provide: WebhookDispatcher,
          inject: [EVENT_STORE, WebhookStore, WebhooksReadModel, PROJECTION_RUNNER, CLOCK, WEBHOOK_CONFIG],
          useFactory: (store: EventStore, hooks: WebhookStore, registry: WebhooksReadModel, runner: ProjectionRunner, clock: Clock, config: WebhookConfig) =>
            new WebhookDispatcher(store, hooks, registry, runner, clock, config),
        },
        ...WEBHOOK_COMMAND_HANDLERS,
        ...WEBHOOK_QUERY_HANDLERS,
      ],
    };
  }

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    @Inject(DELIVER) private readonly deliver: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.deliver) await this.dispatcher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
  }
}
