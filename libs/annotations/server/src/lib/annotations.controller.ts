import { permissions, READ_POSITION_HEADER, type AnnotationDetail, type AnnotationList, type CommandAccepted, type LabelSetView } from '@camel/contracts';
import { ApiErrorDto, CommandAcceptedDto, CurrentPrincipal, RequiresProject, uuidParam, type Principal } from '@camel/server';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { annotatorOf } from './annotation-facts';
import { DefineLabelSet, ReviseAnnotation, SubmitAnnotation, WithdrawAnnotation } from './annotations.commands';
import {
  AnnotationDetailDto,
  AnnotationListDto,
  AnnotationListQueryDto,
  DefineLabelSetDto,
  LabelSetViewDto,
  ReviseAnnotationDto,
  SubmitAnnotationDto,
  WithdrawAnnotationDto,
} from './annotations.dto';
import { AnnotationsReadPosition, GetAnnotation, GetLabelSet, ListAnnotations } from './annotations.queries';

const project = uuidParam('id');
const annotation = uuidParam('annotationId');

/** Annotations outside queues and the project's label set. Controllers only dispatch. */
@ApiTags('annotations')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names each offending field' })
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such project (for you) or annotation' })
@Controller('projects/:id')
export class AnnotationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('label-set')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'The project’s label set (the tags an annotation may carry)' })
  @ApiOkResponse({ type: LabelSetViewDto, headers: { [READ_POSITION_HEADER]: { description: 'Checkpoint of the annotations read model', schema: { type: 'integer' } } } })
  async labelSet(@Param('id', project) projectId: string, @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void }): Promise<LabelSetView> {
    response.setHeader(READ_POSITION_HEADER, String(await this.queries.execute(new AnnotationsReadPosition())));
    return this.queries.execute(new GetLabelSet(projectId));
  }

  @Put('label-set')
  @RequiresProject(permissions.manageAnnotation)
  @ApiOperation({ summary: 'Define the label set (replaces the previous one)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  defineLabelSet(@Param('id', project) projectId: string, @Body() body: DefineLabelSetDto): Promise<CommandAccepted> {
    return this.commands.execute(new DefineLabelSet(projectId, body.labels));
  }

  @Post('annotations')
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Annotate a log entry outside a queue (rating 1–5, rationale, tags, correction, preference, flags)' })
  @ApiCreatedResponse({ type: CommandAcceptedDto, description: '`id` is the annotation id' })
  submit(@Param('id', project) projectId: string, @Body() body: SubmitAnnotationDto, @CurrentPrincipal() principal: Principal): Promise<CommandAccepted> {
    return this.commands.execute(new SubmitAnnotation(projectId, annotatorOf(principal, projectId), body.entryId, body.value));
  }

  @Get('annotations')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'Annotations by entry, queue, item or annotator (blind mode withholds other annotators’ open answers)' })
  @ApiOkResponse({ type: AnnotationListDto })
  list(@Param('id', project) projectId: string, @Query() query: AnnotationListQueryDto, @CurrentPrincipal() principal: Principal): Promise<AnnotationList> {
    return this.queries.execute(new ListAnnotations(projectId, annotatorOf(principal, projectId), query));
  }

  @Get('annotations/:annotationId')
  @RequiresProject(permissions.readAnnotation)
  @ApiOperation({ summary: 'One annotation with its edit history' })
  @ApiOkResponse({ type: AnnotationDetailDto })
  get(@Param('id', project) projectId: string, @Param('annotationId', annotation) annotationId: string, @CurrentPrincipal() principal: Principal): Promise<AnnotationDetail> {
    return this.queries.execute(new GetAnnotation(projectId, annotatorOf(principal, projectId), annotationId));
  }

  @Put('annotations/:annotationId')
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Revise your annotation (the earlier values stay in its history)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not your annotation' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The annotation was withdrawn' })
  revise(
    @Param('id', project) projectId: string,
    @Param('annotationId', annotation) annotationId: string,
    @Body() body: ReviseAnnotationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new ReviseAnnotation(projectId, annotatorOf(principal, projectId), annotationId, body.value));
  }

  @Post('annotations/:annotationId/withdraw')
  @HttpCode(200)
  @RequiresProject(permissions.writeAnnotation)
  @ApiOperation({ summary: 'Withdraw your annotation made outside a queue' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not your annotation' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Already withdrawn, or an answer in a queue' })
  withdraw(
    @Param('id', project) projectId: string,
    @Param('annotationId', annotation) annotationId: string,
    @Body() body: WithdrawAnnotationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new WithdrawAnnotation(projectId, annotatorOf(principal, projectId), annotationId, body.reason ?? null));
  }
}
