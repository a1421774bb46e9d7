import { permissions, READ_POSITION_HEADER, type TrainingPresetList, type TrainingRunAccepted, type TrainingRunDetail, type TrainingRunList } from '@camel/contracts';
import { ApiErrorDto, RequiresProject, RequiresSomeProject, uuidParam } from '@camel/server';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CancelTrainingRun, LaunchTrainingRun } from './training-runs.commands';
import { LaunchTrainingRunDto } from './training-runs.dto';
import { GetTrainingRun, ListTrainingPresets, ListTrainingRuns } from './training-runs.queries';

const projectId = uuidParam('id');
const runId = uuidParam('runId');
const readPosition = { [READ_POSITION_HEADER]: { description: 'Checkpoint of the training runs read model', schema: { type: 'integer' } } };

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/** Training runs: launch SFT/DPO of a registry model on a dataset version, follow, cancel. */
@ApiTags('training')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names it' })
@ApiNotFoundResponse({ type: ApiErrorDto })
@Controller('projects/:id/training-runs')
export class TrainingRunsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresProject(permissions.startTraining)
  @ApiOperation({ summary: 'Launch a training run (queued; trained by a worker in a training process)' })
  @ApiCreatedResponse({ description: 'TrainingRunAccepted: `id` = the run id' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The model name is taken (`fields`: modelName), or the project is archived' })
  launch(@Param('id', projectId) id: string, @Body() body: LaunchTrainingRunDto): Promise<TrainingRunAccepted> {
    return this.commands.execute(new LaunchTrainingRun(id, body));
  }

  @Get()
  @RequiresProject(permissions.readTraining)
  @ApiOperation({ summary: 'The project’s training runs, newest first, with progress and queue position' })
  @ApiOkResponse({ description: 'TrainingRunList', headers: readPosition })
  async list(@Param('id', projectId) id: string, @Res({ passthrough: true }) response: HeaderResponse): Promise<TrainingRunList> {
    const list = await this.queries.execute(new ListTrainingRuns(id));
    response.setHeader(READ_POSITION_HEADER, String(list.position));
    return list;
  }

  @Get(':runId')
  @RequiresProject(permissions.readTraining)
  @ApiOperation({ summary: 'A training run with its step history (the charts) and held-out evaluation' })
  @ApiOkResponse({ description: 'TrainingRunDetail', headers: readPosition })
  async get(@Param('id', projectId) id: string, @Param('runId', runId) run: string, @Res({ passthrough: true }) response: HeaderResponse): Promise<TrainingRunDetail> {
    const { position, ...detail } = await this.queries.execute(new GetTrainingRun(id, run));
    response.setHeader(READ_POSITION_HEADER, String(position));
    return detail;
  }

  @Post(':runId/cancel')
  @HttpCode(202)
  @RequiresProject(permissions.startTraining)
  @ApiOperation({ summary: 'Cancel a run: a queued one at once, a running one within seconds (its training process is stopped)' })
  @ApiAcceptedResponse({ description: 'TrainingRunAccepted' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The run has finished' })
  cancel(@Param('id', projectId) id: string, @Param('runId', runId) run: string): Promise<TrainingRunAccepted> {
    return this.commands.execute(new CancelTrainingRun(id, run));
  }
}

/** The launch form's presets. */
@ApiTags('training')
@Controller('training')
export class TrainingPresetsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('presets')
  @RequiresSomeProject(permissions.readTraining)
  @ApiOperation({ summary: 'Training presets (method, LoRA, hyperparameters) for the launch form' })
  @ApiOkResponse({ description: 'TrainingPresetList' })
  presets(): Promise<TrainingPresetList> {
    return this.queries.execute(new ListTrainingPresets());
  }
}
