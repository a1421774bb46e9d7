import {
  permissions,
  READ_POSITION_HEADER,
  type AddQueueItemsResult,
  type AgreementReport,
  type CommandAccepted,
  type CreateQueueResult,
  type NextItemResult,
  type QueueItemPage,
  type QueueItemWork,
  type QueueList,
  type QueueProgress,
  type QueueView,
  type SubmitResponseResult,
} from '@camel/contracts';
import { ApiErrorDto, CommandAcceptedDto, CurrentPrincipal, RequiresProject, uuidParam, type Principal } from '@camel/server';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { annotatorOf } from './annotation-facts';
import {
  AddQueueItems,
  AdjudicateItem,
  ChangeQueueLifecycle,
  CreateQueue,
  ReleaseItem,
  RemoveQueueItem,
  SkipItem,
  SubmitResponse,
  TakeNextItem,
  UpdateQueue,
  type QueueLifecycleAction,
} from './annotations.commands';
import {
  AddQueueItemsDto,
  AddQueueItemsResultDto,
  AdjudicateDto,
  AgreementReportDto,
  CreateQueueDto,
  CreateQueueResultDto,
  NextItemResultDto,
  QueueItemPageDto,
  QueueItemsQueryDto,
  QueueListQueryDto,
  QueueItemWorkDto,
  QueueListDto,
  QueueProgressDto,
  QueueViewDto,
  SubmitResponseDto,
  SubmitResponseResultDto,
  UpdateQueueDto,
} from './annotations.dto';
import { AnnotationsReadPosition, GetAgreement, GetItemWork, GetQueue, GetQueueProgress, ListQueueItems, ListQueues } from './annotations.queries';

type HeaderTarget = { setHeader(name: string, value: string): void };
const READ_POSITION = { [READ_POSITION_HEADER]: { description: 'Checkpoint of the annotations read model: follow the project topic from it', schema: { type: 'integer' } } };
const project = uuidParam('id');
const queueParam = uuidParam('queueId');
const itemParam = uuidParam('itemId');

/** Annotation queues: definition, items, the next-item flow, responses, progress, agreement, adjudication. */
@ApiTags('annotation-queues')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names each offending field' })
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such project, queue (for you: annotators see the queues they are assigned to) or item' })
@Controller('projects/:id/annotation-queues')
export class QueuesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Create a queue, optionally with items from a logs filter, entry ids or pairs' })
  @ApiCreatedResponse({ type: CreateQueueResultDto, description: '`id` is the queue id' })
  create(@Param('id', project) projectId: string, @Body() body: CreateQueueDto, @CurrentPrincipal() principal: Principal): Promise<CreateQueueResult> {
    const { source, ...settings } = body;
    return this.commands.execute(new CreateQueue(projectId, annotatorOf(principal, projectId), settings, source));
  }

  @Get()
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'The project’s queues (annotators: those they are assigned to); the archived ones with ?status=archived' })
  @ApiOkResponse({ type: QueueListDto })
  list(@Param('id', project) projectId: string, @Query() query: QueueListQueryDto, @CurrentPrincipal() principal: Principal): Promise<QueueList> {
    return this.queries.execute(new ListQueues(projectId, annotatorOf(principal, projectId), query.status));
  }

  @Get(':queueId')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'One queue with its counts' })
  @ApiOkResponse({ type: QueueViewDto })
  get(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @CurrentPrincipal() principal: Principal): Promise<QueueView> {
    return this.queries.execute(new GetQueue(projectId, annotatorOf(principal, projectId), queueId));
  }

  @Patch(':queueId')
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Rename, describe, change the reservation time or the assignees' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  update(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @Body() body: UpdateQueueDto): Promise<CommandAccepted> {
    return this.commands.execute(new UpdateQueue(projectId, queueId, body));
  }

  @Delete(':queueId')
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Archive the queue (final): it leaves the list and hands out nothing; its answers and datasets stay' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  archive(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @CurrentPrincipal() principal: Principal): Promise<CommandAccepted> {
    return this.lifecycle(projectId, queueId, principal, 'ArchiveQueue');
  }

  @Post(':queueId/close')
  @HttpCode(200)
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Close the queue: no more next-item or answers; the answers are kept (reopen takes it back)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The queue is archived' })
  close(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @CurrentPrincipal() principal: Principal): Promise<CommandAccepted> {
    return this.lifecycle(projectId, queueId, principal, 'CloseQueue');
  }

  @Post(':queueId/reopen')
  @HttpCode(200)
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Reopen a closed queue' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The queue is archived' })
  reopen(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @CurrentPrincipal() principal: Principal): Promise<CommandAccepted> {
    return this.lifecycle(projectId, queueId, principal, 'ReopenQueue');
  }

  private lifecycle(projectId: string, queueId: string, principal: Principal, action: QueueLifecycleAction): Promise<CommandAccepted> {
    return this.commands.execute(new ChangeQueueLifecycle(projectId, queueId, annotatorOf(principal, projectId), action));
  }

  @Post(':queueId/items')
  @HttpCode(200)
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Add items (an item already in the queue is not added again)' })
  @ApiOkResponse({ type: AddQueueItemsResultDto })
  addItems(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @Body() body: AddQueueItemsDto): Promise<AddQueueItemsResult> {
    return this.commands.execute(new AddQueueItems(projectId, queueId, body.source));
  }

  @Get(':queueId/items')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'The queue’s items in order, by status' })
  @ApiOkResponse({ type: QueueItemPageDto, headers: READ_POSITION })
  async items(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Query() query: QueueItemsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<QueueItemPage> {
    response.setHeader(READ_POSITION_HEADER, String(await this.queries.execute(new AnnotationsReadPosition())));
    return this.queries.execute(new ListQueueItems(projectId, annotatorOf(principal, projectId), queueId, query.status, query.limit ?? 50, query.after));
  }

  @Post(':queueId/next')
  @HttpCode(200)
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Reserve the next item for you (the one you hold, else one others started when items need several answers, else an open item with a free slot) and return it' })
  @ApiOkResponse({ type: NextItemResultDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not assigned to this queue' })
  async next(@Param('id', project) projectId: string, @Param('queueId', queueParam) queueId: string, @CurrentPrincipal() principal: Principal): Promise<NextItemResult> {
    const annotator = annotatorOf(principal, projectId);
    const taken = await this.commands.execute(new TakeNextItem(projectId, queueId, annotator));
    return { work: taken ? await this.queries.execute(new GetItemWork(projectId, annotator, queueId, taken.itemId, taken)) : null };
  }

  @Get(':queueId/items/:itemId')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'One item with its entry, alternative, suggestion and answers (blind mode applied)' })
  @ApiOkResponse({ type: QueueItemWorkDto })
  item(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueueItemWork> {
    return this.queries.execute(new GetItemWork(projectId, annotatorOf(principal, projectId), queueId, itemId));
  }

  @Delete(':queueId/items/:itemId')
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Remove an item nobody answered (it is never offered again)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The item has answers (close the queue instead)' })
  removeItem(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new RemoveQueueItem(projectId, queueId, itemId, annotatorOf(principal, projectId)));
  }

  @Post(':queueId/items/:itemId/responses')
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Answer the item; the N-th counted answer completes it, later ones are kept as extra' })
  @ApiCreatedResponse({ type: SubmitResponseResultDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not assigned to this queue' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'You already answered this item (revise your annotation)' })
  respond(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @Body() body: SubmitResponseDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SubmitResponseResult> {
    return this.commands.execute(new SubmitResponse(projectId, queueId, itemId, annotatorOf(principal, projectId), body.value, body.fromSuggestion ?? null));
  }

  @Post(':queueId/items/:itemId/skip')
  @HttpCode(200)
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Skip the item (next-item will not offer it to you again)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  skip(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new SkipItem(projectId, queueId, itemId, annotatorOf(principal, projectId)));
  }

  @Post(':queueId/items/:itemId/release')
  @HttpCode(200)
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Give your reservation of the item back' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  release(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new ReleaseItem(projectId, queueId, itemId, annotatorOf(principal, projectId)));
  }

  @Post(':queueId/items/:itemId/adjudicate')
  @HttpCode(200)
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Record the final value of a completed item (once)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The item is not complete, or was already adjudicated' })
  adjudicate(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @Param('itemId', itemParam) itemId: string,
    @Body() body: AdjudicateDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new AdjudicateItem(projectId, queueId, itemId, annotatorOf(principal, projectId), body.value, body.note ?? null));
  }

  @Get(':queueId/progress')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'Progress of the queue and of each annotator' })
  @ApiOkResponse({ type: QueueProgressDto, headers: READ_POSITION })
  async progress(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<QueueProgress> {
    // The position first: the read reflects at least it, so the live topic is followed from there.
    response.setHeader(READ_POSITION_HEADER, String(await this.queries.execute(new AnnotationsReadPosition())));
    return this.queries.execute(new GetQueueProgress(projectId, annotatorOf(principal, projectId), queueId));
  }

  @Get(':queueId/agreement')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'Agreement over completed items (kappa, alpha, percent agreement per field) and the disagreement list' })
  @ApiOkResponse({ type: AgreementReportDto, headers: READ_POSITION })
  async agreement(
    @Param('id', project) projectId: string,
    @Param('queueId', queueParam) queueId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<AgreementReport> {
    response.setHeader(READ_POSITION_HEADER, String(await this.queries.execute(new AnnotationsReadPosition())));
    return this.queries.execute(new GetAgreement(projectId, annotatorOf(principal, projectId), queueId));
  }
}
