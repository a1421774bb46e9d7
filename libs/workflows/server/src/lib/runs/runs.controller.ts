import {
  permissions,
  READ_POSITION_HEADER,
  type CommandAccepted,
  type LogEntryView,
  type RunList,
  type RunPreflight,
  type RunReplay,
  type RunView,
} from '@camel/contracts';
import { ApiErrorDto, CommandAcceptedDto, RequiresProject, uuidParam } from '@camel/server';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChooseCandidate, ControlRun, RegenerateTurn, RerunRun, StartRun, SubmitHumanTurn, type RunControl } from './runs.commands';
import { ChooseCandidateDto, RegenerateTurnDto, ReplayQueryDto, RunListQueryDto, StartRunDto, SubmitHumanTurnDto } from './runs.dto';
import { GetRun, ListRunEntries, ListRuns, PreflightRun, ReplayRun, RunsReadPosition } from './runs.queries';

type PositionResponse = { setHeader(name: string, value: string): void };

const project = uuidParam('id');
const run = uuidParam('runId');

/** Controllers only dispatch: commands to the CommandBus, reads to the QueryBus. */
@ApiTags('runs')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names each offending field' })
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such project (for you) or run' })
@Controller('projects/:id/runs')
export class RunsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresProject(permissions.startRun)
  @ApiOperation({ summary: 'Start a run of a workflow (pins the config version; queued for a worker)' })
  @ApiCreatedResponse({ type: CommandAcceptedDto, description: '`id` is the run id' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The project is archived or has no config' })
  start(@Param('id', project) projectId: string, @Body() body: StartRunDto): Promise<CommandAccepted> {
    return this.commands.execute(new StartRun(projectId, body.workflow, body.configVersion, body.overrides));
  }

  @Post('preflight')
  @HttpCode(200)
  @RequiresProject(permissions.startRun)
  @ApiOperation({ summary: 'What would stop this run from starting (missing keys, unknown providers); records nothing' })
  @ApiOkResponse({ description: 'RunPreflight' })
  preflight(@Param('id', project) projectId: string, @Body() body: StartRunDto): Promise<RunPreflight> {
    return this.queries.execute(new PreflightRun(projectId, body.workflow, body.configVersion, body.overrides));
  }

  @Get()
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'The project’s runs, newest first' })
  @ApiOkResponse({ description: 'RunList; follow the project topic from `position` (also in x-read-position)' })
  async list(
    @Param('id', project) projectId: string,
    @Query() query: RunListQueryDto,
    @Res({ passthrough: true }) response: PositionResponse,
  ): Promise<RunList> {
    const list: RunList = await this.queries.execute(new ListRuns(projectId, query));
    response.setHeader(READ_POSITION_HEADER, String(list.position));
    return list;
  }

  @Get(':runId')
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'One run' })
  @ApiOkResponse({ description: 'RunView' })
  async get(
    @Param('id', project) projectId: string,
    @Param('runId', run) runId: string,
    @Res({ passthrough: true }) response: PositionResponse,
  ): Promise<RunView> {
    await this.sendPosition(response);
    return this.queries.execute(new GetRun(projectId, runId));
  }

  @Get(':runId/entries')
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'The run’s turns and alternatives, in the order they were recorded' })
  @ApiOkResponse({ description: 'LogEntryView[]' })
  async entries(
    @Param('id', project) projectId: string,
    @Param('runId', run) runId: string,
    @Res({ passthrough: true }) response: PositionResponse,
  ): Promise<LogEntryView[]> {
    await this.sendPosition(response);
    return this.queries.execute(new ListRunEntries(projectId, runId));
  }

  @Get(':runId/replay')
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'The run as of one of its events (the replay slider)' })
  @ApiOkResponse({ description: 'RunReplay' })
  replay(@Param('id', project) projectId: string, @Param('runId', run) runId: string, @Query() query: ReplayQueryDto): Promise<RunReplay> {
    return this.queries.execute(new ReplayRun(projectId, runId, query.count));
  }

  @Post(':runId/pause')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Pause between turns (an answer in flight is still recorded)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not possible in the run’s status' })
  pause(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.control(projectId, runId, 'pause');
  }

  @Post(':runId/resume')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Resume a paused run' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not possible in the run’s status' })
  resume(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.control(projectId, runId, 'resume');
  }

  @Post(':runId/step')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'One turn, then pause' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not possible in the run’s status' })
  step(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.control(projectId, runId, 'step');
  }

  @Post(':runId/cancel')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Cancel the run (a model call in flight is aborted)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not possible in the run’s status' })
  cancel(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.control(projectId, runId, 'cancel');
  }

  @Post(':runId/retry')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Retry the failed call of a failed run' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not possible in the run’s status' })
  retry(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.control(projectId, runId, 'retry');
  }

  @Post(':runId/input')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Type the awaited human turn' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  input(@Param('id', project) projectId: string, @Param('runId', run) runId: string, @Body() body: SubmitHumanTurnDto): Promise<CommandAccepted> {
    return this.commands.execute(new SubmitHumanTurn(projectId, runId, body.agent, body.content));
  }

  @Post(':runId/choice')
  @HttpCode(200)
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Pick the awaited critic choice (a person as the critic)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  choice(@Param('id', project) projectId: string, @Param('runId', run) runId: string, @Body() body: ChooseCandidateDto): Promise<CommandAccepted> {
    return this.commands.execute(new ChooseCandidate(projectId, runId, body.candidate));
  }

  @Post(':runId/turns/:turnId/regenerate')
  @RequiresProject(permissions.controlRun)
  @ApiOperation({ summary: 'Answer a turn’s prompt again (another model or parameters); stored beside the original' })
  @ApiCreatedResponse({ type: CommandAcceptedDto, description: '`id` is the alternative id' })
  regenerate(
    @Param('id', project) projectId: string,
    @Param('runId', run) runId: string,
    @Param('turnId') turnId: string,
    @Body() body: RegenerateTurnDto,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new RegenerateTurn(projectId, runId, turnId, body));
  }

  /** The read models' checkpoint, read before the rows: follow the project topic from it. */
  private async sendPosition(response: PositionResponse): Promise<void> {
    response.setHeader(READ_POSITION_HEADER, String(await this.queries.execute(new RunsReadPosition())));
  }

  private control(projectId: string, runId: string, control: RunControl): Promise<CommandAccepted> {
    return this.commands.execute(new ControlRun(projectId, runId, control));
  }

  @Post(':runId/rerun')
  @RequiresProject(permissions.startRun)
  @ApiOperation({ summary: 'Start a new run with the same config version, workflow and overrides' })
  @ApiCreatedResponse({ type: CommandAcceptedDto, description: '`id` is the new run’s id' })
  rerun(@Param('id', project) projectId: string, @Param('runId', run) runId: string): Promise<CommandAccepted> {
    return this.commands.execute(new RerunRun(projectId, runId));
  }
}

