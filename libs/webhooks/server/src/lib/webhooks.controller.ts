import { permissions, type CommandAccepted, type WebhookCreated, type WebhookDeliveryList, type WebhookList, type WebhookView } from '@camel/contracts';
import { ApiErrorDto, CommandAcceptedDto, RequiresProject, uuidParam } from '@camel/server';
import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RegisterWebhook, RemoveWebhook } from './webhooks.commands';
import { CreateWebhookDto, WebhookDeliveriesQueryDto } from './webhooks.dto';
import { GetWebhook, ListWebhookDeliveries, ListWebhooks } from './webhooks.queries';

const projectId = uuidParam('id');
const webhookId = uuidParam('webhookId');

/** Project webhooks: signed POSTs on chosen events, retried, with a delivery log (admins). */
@ApiTags('webhooks')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names it' })
@ApiNotFoundResponse({ type: ApiErrorDto })
@Controller('projects/:id/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresProject(permissions.manageWebhooks)
  @ApiOperation({ summary: 'Register a webhook; the signing secret is in the answer, once' })
  @ApiCreatedResponse({ description: 'WebhookCreated: `id`, `secret` (shown once)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The project is archived' })
  create(@Param('id', projectId) id: string, @Body() body: CreateWebhookDto): Promise<WebhookCreated> {
    return this.commands.execute(new RegisterWebhook(id, body));
  }

  @Get()
  @RequiresProject(permissions.manageWebhooks)
  @ApiOperation({ summary: 'The project’s webhooks (never their secrets)' })
  @ApiOkResponse({ description: 'WebhookList' })
  list(@Param('id', projectId) id: string): Promise<WebhookList> {
    return this.queries.execute(new ListWebhooks(id));
  }

  @Get(':webhookId')
  @RequiresProject(permissions.manageWebhooks)
  @ApiOperation({ summary: 'One webhook' })
  @ApiOkResponse({ description: 'WebhookView' })
  get(@Param('id', projectId) id: string, @Param('webhookId', webhookId) hook: string): Promise<WebhookView> {
    return this.queries.execute(new GetWebhook(id, hook));
  }

  @Delete(':webhookId')
  @RequiresProject(permissions.manageWebhooks)
  @ApiOperation({ summary: 'Remove a webhook: nothing more is delivered, pending deliveries fail' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Already removed' })
  remove(@Param('id', projectId) id: string, @Param('webhookId', webhookId) hook: string): Promise<CommandAccepted> {
    return this.commands.execute(new RemoveWebhook(id, hook));
  }

  @Get(':webhookId/deliveries')
  @RequiresProject(permissions.manageWebhooks)
  @ApiOperation({ summary: 'The delivery log, newest event first, each delivery with its attempts' })
  @ApiOkResponse({ description: 'WebhookDeliveryList' })
  deliveries(@Param('id', projectId) id: string, @Param('webhookId', webhookId) hook: string, @Query() query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryList> {
    return this.queries.execute(new ListWebhookDeliveries(id, hook, query.limit ?? 50));
  }
}
