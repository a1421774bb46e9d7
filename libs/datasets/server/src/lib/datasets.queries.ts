import { DomainError, type DatasetDetail, type DatasetExportFormat, type DatasetList, type DatasetPreview, type DatasetSplitFilter, type DatasetVersionView } from '@camel/contracts';
import { CSV_HEADER, exportLine } from '@camel/datasets';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DatasetsReadModel, toPairView } from './datasets.read-model';

export class ListDatasets extends Query<DatasetList> {
  constructor(readonly projectId: string) {
    super();
  }
}

export class GetDataset extends Query<DatasetDetail> {
  constructor(readonly projectId: string, readonly datasetId: string) {
    super();
  }
}

export class GetDatasetVersion extends Query<DatasetVersionView> {
  constructor(readonly projectId: string, readonly datasetId: string, readonly version: number) {
    super();
  }
}

export class PreviewDataset extends Query<DatasetPreview> {
  constructor(readonly projectId: string, readonly datasetId: string, readonly version: number, readonly split: DatasetSplitFilter, readonly limit: number) {
    super();
  }
}

export interface DatasetExport {
  readonly version: DatasetVersionView;
  /** The file, a page of pairs per chunk, in export order. */
  readonly chunks: AsyncIterable<string>;
}

export class ExportDataset extends Query<DatasetExport> {
  constructor(readonly projectId: string, readonly datasetId: string, readonly version: number, readonly format: DatasetExportFormat, readonly split: DatasetSplitFilter) {
    super();
  }
}

const notFound = (datasetId: string) => DomainError.notFound('dataset.not-found', `dataset ${datasetId} does not exist`);

/** A version of a dataset of the project: 404 `dataset.not-found`, or `dataset.version-not-found` naming `version` (as a training launch names `datasetVersion`). */
async function versionOf(datasets: DatasetsReadModel, query: { projectId: string; datasetId: string; version: number }): Promise<DatasetVersionView> {
  const found = await datasets.version(query.projectId, query.datasetId, query.version);
  if (found) return found;
  if (!(await datasets.detail(query.projectId, query.datasetId))) throw notFound(query.datasetId);
  throw DomainError.notFound('dataset.version-not-found', `dataset ${query.datasetId} has no version ${query.version}`, 'version');
}

@QueryHandler(ListDatasets)
export class ListDatasetsHandler implements IQueryHandler<ListDatasets> {
  constructor(private readonly datasets: DatasetsReadModel) {}

  async execute({ projectId }: ListDatasets): Promise<DatasetList> {
    const position = await this.datasets.position();
    return { datasets: await this.datasets.list(projectId), position };
  }
}

@QueryHandler(GetDataset)
export class GetDatasetHandler implements IQueryHandler<GetDataset> {
  constructor(private readonly datasets: DatasetsReadModel) {}

  async execute({ projectId, datasetId }: GetDataset): Promise<DatasetDetail> {
    const found = await this.datasets.detail(projectId, datasetId);
    if (!found) throw notFound(datasetId);
    return found;
  }
}

@QueryHandler(GetDatasetVersion)
export class GetDatasetVersionHandler implements IQueryHandler<GetDatasetVersion> {
  constructor(private readonly datasets: DatasetsReadModel) {}

  execute(query: GetDatasetVersion): Promise<DatasetVersionView> {
    return versionOf(this.datasets, query);
  }
}

@QueryHandler(PreviewDataset)
export class PreviewDatasetHandler implements IQueryHandler<PreviewDataset> {
  constructor(private readonly datasets: DatasetsReadModel) {}

  async execute(query: PreviewDataset): Promise<DatasetPreview> {
    const version = await versionOf(this.datasets, query);
    return { version, pairs: await this.datasets.preview(query.datasetId, query.version, query.split, query.limit) };
  }
}

@QueryHandler(ExportDataset)
export class ExportDatasetHandler implements IQueryHandler<ExportDataset> {
  constructor(private readonly datasets: DatasetsReadModel) {}

  async execute(query: ExportDataset): Promise<DatasetExport> {
    const version = await versionOf(this.datasets, query);
    const datasets = this.datasets;
    async function* chunks(): AsyncGenerator<string> {
      if (query.format === 'csv') yield CSV_HEADER;
      for await (const page of datasets.cursor(query.datasetId, query.version, query.split)) {
        yield page.map((row) => exportLine(query.format, toPairView(row))).join('');
      }
    }
    return { version, chunks: chunks() };
  }
}

export const DATASET_QUERY_HANDLERS = [ListDatasetsHandler, GetDatasetHandler, GetDatasetVersionHandler, PreviewDatasetHandler, ExportDatasetHandler];
