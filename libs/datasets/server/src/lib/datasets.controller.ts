import {
  permissions,
  READ_POSITION_HEADER,
  type DatasetAccepted,
  type DatasetDetail,
  type DatasetPreview,
  type DatasetSummary,
  type DatasetVersionView,
} from '@camel/contracts';
import { EXPORT_CONTENT_TYPES } from '@camel/datasets';
import { ApiErrorDto, RequiresProject, uuidParam } from '@camel/server';
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CreateDatasetSnapshot, ImportDataset } from './datasets.commands';
import { CreateDatasetSnapshotDto, DatasetExportQueryDto, DatasetPreviewQueryDto, ImportDatasetDto } from './datasets.dto';
import { ExportDataset, GetDataset, GetDatasetVersion, ListDatasets, PreviewDataset, type DatasetExport } from './datasets.queries';
import { versionParam } from './version-param';

const projectId = uuidParam('id');
const datasetId = uuidParam('datasetId');

interface StreamingResponse {
  setHeader(name: string, value: string): void;
  status(code: number): StreamingResponse;
  write(chunk: string): boolean;
  end(): void;
  destroy(error?: Error): void;
  on(event: string, listener: () => void): void;
  off(event: string, listener: () => void): void;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
}

/** Resolves when the response can take more, or is gone; leaves no listener behind. */
function drained(response: StreamingResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Writes the export as it is read, waiting for the client to drain: one page of pairs in memory at a time. */
async function streamExport(response: StreamingResponse, file: DatasetExport, filename: string, contentType: string): Promise<void> {
  response.setHeader('content-type', contentType);
  response.setHeader('content-disposition', `attachment; filename="${filename}"`);
  response.setHeader('x-content-hash', file.version.contentHash);
  response.status(200);
  try {
    for await (const chunk of file.chunks) {
      if (response.destroyed) return;
      if (chunk && !response.write(chunk)) await drained(response);
    }
    response.end();
  } catch (error) {
    // Headers are gone: the client sees a cut connection, never a file that looks complete.
    response.destroy(error as Error);
  }
}

/** Preference datasets: snapshots of annotations, imports, versions, preview and export. */
@ApiTags('datasets')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names it' })
@ApiNotFoundResponse({ type: ApiErrorDto })
@Controller('projects/:id/datasets')
export class DatasetsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresProject(permissions.createDataset)
  @ApiOperation({ summary: 'Snapshot the preference pairs of a logs filter or a queue as the next version of a dataset' })
  @ApiCreatedResponse({ description: 'DatasetAccepted: `id` = dataset id, `datasetVersion` = the version made' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The project is archived' })
  create(@Param('id', projectId) id: string, @Body() body: CreateDatasetSnapshotDto): Promise<DatasetAccepted> {
    return this.commands.execute(new CreateDatasetSnapshot(id, body));
  }

  @Post('import')
  @RequiresProject(permissions.createDataset)
  @ApiOperation({ summary: 'Import a preference JSONL file (TRL standard or conversational) as the next version of a dataset' })
  @ApiCreatedResponse({ description: 'DatasetAccepted; 400 `details.problems` lists every bad line with its field' })
  import(@Param('id', projectId) id: string, @Body() body: ImportDatasetDto): Promise<DatasetAccepted> {
    return this.commands.execute(new ImportDataset(id, body));
  }

  @Get()
  @RequiresProject(permissions.readDataset)
  @ApiOperation({ summary: 'The datasets of the project with their latest version' })
  @ApiOkResponse({ description: 'DatasetSummary[]', headers: { [READ_POSITION_HEADER]: { description: 'Checkpoint of the datasets read model', schema: { type: 'integer' } } } })
  async list(@Param('id', projectId) id: string, @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void }): Promise<{ datasets: readonly DatasetSummary[]; position: number }> {
    const list = await this.queries.execute(new ListDatasets(id));
    response.setHeader(READ_POSITION_HEADER, String(list.position));
    return list;
  }

  @Get(':datasetId')
  @RequiresProject(permissions.readDataset)
  @ApiOperation({ summary: 'A dataset with every version' })
  @ApiOkResponse({ description: 'DatasetDetail' })
  get(@Param('id', projectId) id: string, @Param('datasetId', datasetId) dataset: string): Promise<DatasetDetail> {
    return this.queries.execute(new GetDataset(id, dataset));
  }

  @Get(':datasetId/versions/:version')
  @RequiresProject(permissions.readDataset)
  @ApiOperation({ summary: 'One version: counts, content hash, lineage, split' })
  @ApiOkResponse({ description: 'DatasetVersionView' })
  version(@Param('id', projectId) id: string, @Param('datasetId', datasetId) dataset: string, @Param('version', versionParam()) version: number): Promise<DatasetVersionView> {
    return this.queries.execute(new GetDatasetVersion(id, dataset, version));
  }

  @Get(':datasetId/versions/:version/preview')
  @RequiresProject(permissions.readDataset)
  @ApiOperation({ summary: 'The first pairs of a version (in export order)' })
  @ApiOkResponse({ description: 'DatasetPreview' })
  preview(
    @Param('id', projectId) id: string,
    @Param('datasetId', datasetId) dataset: string,
    @Param('version', versionParam()) version: number,
    @Query() query: DatasetPreviewQueryDto,
  ): Promise<DatasetPreview> {
    return this.queries.execute(new PreviewDataset(id, dataset, version, query.split ?? 'all', query.limit ?? 20));
  }

  @Get(':datasetId/versions/:version/export')
  @RequiresProject(permissions.readDataset)
  @ApiOperation({ summary: 'Download a version: JSONL in TRL’s standard or conversational format, or CSV; streamed, byte-identical every time' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'The file; header x-content-hash = the version’s content hash' })
  async export(
    @Param('id', projectId) id: string,
    @Param('datasetId', datasetId) dataset: string,
    @Param('version', versionParam()) version: number,
    @Query() query: DatasetExportQueryDto,
    @Res() response: StreamingResponse,
  ): Promise<void> {
    const format = query.format ?? 'standard';
    const split = query.split ?? 'all';
    const file: DatasetExport = await this.queries.execute(new ExportDataset(id, dataset, version, format, split));
    const safeName = file.version.name.replace(/[^A-Za-z0-9._-]+/g, '_');
    await streamExport(response, file, `${safeName}-v${version}-${split}.${format === 'csv' ? 'csv' : 'jsonl'}`, EXPORT_CONTENT_TYPES[format]);
  }
}
