import { MODEL_NAME, permissions, READ_POSITION_HEADER, validationErrorBody, type ModelAccepted, type ModelComparison, type ModelDetail, type ModelList } from '@camel/contracts';
import { ApiErrorDto, RequiresProject, uuidParam } from '@camel/server';
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, type PipeTransform } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArchiveModel, ImportModel, TagModel, UntagModel } from './models.commands';
import { ImportModelDto, ModelCompareQueryDto, ModelListQueryDto, TagModelDto } from './models.dto';
import { CompareModels, GetModel, ListModels } from './models.queries';

const projectId = uuidParam('id');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A model id: a UUID (registered models) or a built-in's folder name. */
const modelIdParam: PipeTransform<string, string> = {
  transform(value: string) {
    if (typeof value === 'string' && (UUID.test(value) || MODEL_NAME.test(value))) return value;
    throw new BadRequestException(validationErrorBody([{ field: 'modelId', message: 'modelId must be a model id (a UUID or a built-in model’s name)' }]));
  },
};

/** The model registry: built-ins, trained and imported models, tags, comparison, archive. */
@ApiTags('models')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names it' })
@ApiNotFoundResponse({ type: ApiErrorDto })
@Controller('projects/:id/models')
export class ModelsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequiresProject(permissions.readModel)
  @ApiOperation({ summary: 'The models the project can use: built-ins first, then its own newest first' })
  @ApiOkResponse({ description: 'ModelList', headers: { [READ_POSITION_HEADER]: { description: 'Checkpoint of the models read model', schema: { type: 'integer' } } } })
  async list(@Param('id', projectId) id: string, @Query() query: ModelListQueryDto, @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void }): Promise<ModelList> {
    const list = await this.queries.execute(new ListModels(id, query.includeArchived === 'true'));
    response.setHeader(READ_POSITION_HEADER, String(list.position));
    return list;
  }

  @Get('compare')
  @RequiresProject(permissions.readModel)
  @ApiOperation({ summary: 'Compare 2–8 models: their views and the metric names any of them has' })
  @ApiOkResponse({ description: 'ModelComparison' })
  compare(@Param('id', projectId) id: string, @Query() query: ModelCompareQueryDto): Promise<ModelComparison> {
    const ids = query.ids
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return this.queries.execute(new CompareModels(id, ids));
  }

  @Post('import')
  @RequiresProject(permissions.manageModel)
  @ApiOperation({ summary: 'Import an open-weights model from a server folder in the Hugging Face layout (validated, then copied into MODELS_DIR)' })
  @ApiCreatedResponse({ description: 'ModelAccepted; 400 naming `path` when the folder is not allowed or not a supported Llama model' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The name is taken, or the project is archived' })
  import(@Param('id', projectId) id: string, @Body() body: ImportModelDto): Promise<ModelAccepted> {
    return this.commands.execute(new ImportModel(id, body));
  }

  @Get(':modelId')
  @RequiresProject(permissions.readModel)
  @ApiOperation({ summary: 'A model with its card, metrics history and the runs that used it' })
  @ApiOkResponse({ description: 'ModelDetail' })
  get(@Param('id', projectId) id: string, @Param('modelId', modelIdParam) modelId: string): Promise<ModelDetail> {
    return this.queries.execute(new GetModel(id, modelId));
  }

  @Post(':modelId/tags')
  @HttpCode(200)
  @RequiresProject(permissions.manageModel)
  @ApiOperation({ summary: 'Tag a model (a tag names one model of the project: it moves from the model that had it)' })
  @ApiOkResponse({ description: 'ModelAccepted' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'A built-in or archived model' })
  tag(@Param('id', projectId) id: string, @Param('modelId', modelIdParam) modelId: string, @Body() body: TagModelDto): Promise<ModelAccepted> {
    return this.commands.execute(new TagModel(id, modelId, body.tag));
  }

  @Delete(':modelId/tags/:tag')
  @RequiresProject(permissions.manageModel)
  @ApiOperation({ summary: 'Remove a tag from a model' })
  @ApiOkResponse({ description: 'ModelAccepted' })
  untag(@Param('id', projectId) id: string, @Param('modelId', modelIdParam) modelId: string, @Param('tag') tag: string): Promise<ModelAccepted> {
    return this.commands.execute(new UntagModel(id, modelId, tag));
  }

  @Post(':modelId/archive')
  @HttpCode(200)
  @RequiresProject(permissions.manageModel)
  @ApiOperation({ summary: 'Archive a model: it leaves the list and its tags; agents can no longer use it; its name is free again' })
  @ApiOkResponse({ description: 'ModelAccepted' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'A built-in model' })
  archive(@Param('id', projectId) id: string, @Param('modelId', modelIdParam) modelId: string): Promise<ModelAccepted> {
    return this.commands.execute(new ArchiveModel(id, modelId));
  }
}
