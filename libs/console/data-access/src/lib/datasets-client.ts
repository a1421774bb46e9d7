import {
  DATASET_EVENT_TYPES,
  type CreateDatasetSnapshotRequest,
  type DatasetAccepted,
  type DatasetDetail,
  type DatasetExportQuery,
  type DatasetImportProblem,
  type DatasetList,
  type DatasetPreview,
  type DatasetPreviewQuery,
  type DatasetSummary,
  type ImportDatasetRequest,
  type RecordedEvent,
} from '@camel/contracts';
import { ApiError, type ApiClient } from './api-client';
import { queryString, readPosition } from './http';
import type { LiveListSource } from './live-list';
import { readAgainSource } from './read-again-source';

const encode = encodeURIComponent;
const datasetsPath = (projectId: string) => `/api/projects/${encode(projectId)}/datasets`;
const versionPath = (projectId: string, datasetId: string, version: number) => `${datasetsPath(projectId)}/${encode(datasetId)}/versions/${version}`;

/** The file an export downloads: its text, the name to save it under, its content hash. */
export interface DatasetFile {
  readonly text: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly contentHash: string | null;
}

/** The datasets routes (`libs/contracts/src/lib/datasets.ts`), typed, over an `ApiClient`. */
export class DatasetsClient {
  constructor(private readonly client: ApiClient) {}

  async listDatasets(projectId: string): Promise<DatasetList> {
    const { body, headers } = await this.client.exchange<DatasetList>('GET', datasetsPath(projectId));
    return { datasets: body.datasets, position: Math.max(body.position ?? 0, readPosition(headers)) };
  }

  getDataset(projectId: string, datasetId: string): Promise<DatasetDetail> {
    return this.call('GET', `${datasetsPath(projectId)}/${encode(datasetId)}`);
  }

  snapshot(projectId: string, body: CreateDatasetSnapshotRequest): Promise<DatasetAccepted> {
    return this.call('POST', datasetsPath(projectId), body);
  }

  /** Imports a JSONL file (either TRL format); a refused file is a 400 whose problems `importProblemsOf` reads. */
  importJsonl(projectId: string, name: string, content: string, description?: string): Promise<DatasetAccepted> {
    const body: ImportDatasetRequest = { name, content, ...(description ? { description } : {}) };
    return this.call('POST', `${datasetsPath(projectId)}/import`, body);
  }

  preview(projectId: string, datasetId: string, version: number, query: DatasetPreviewQuery = {}): Promise<DatasetPreview> {
    return this.call('GET', `${versionPath(projectId, datasetId, version)}/preview${queryString({ ...query })}`);
  }

  async exportFile(projectId: string, datasetId: string, version: number, name: string, query: DatasetExportQuery = {}): Promise<DatasetFile> {
    const format = query.format ?? 'standard';
    const contentType = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    const { body, headers } = await this.client.exchange<string>('GET', `${versionPath(projectId, datasetId, version)}/export${queryString({ ...query })}`, undefined, {
      accept: contentType,
      text: true,
    });
    const split = query.split && query.split !== 'all' ? `-${query.split}` : '';
    const base = name.replace(/[^\w.-]+/g, '-');
    const fileName = `${base}-v${version}${format === 'conversational' ? '-conversational' : ''}${split}.${format === 'csv' ? 'csv' : 'jsonl'}`;
    return { text: body, fileName, contentType, contentHash: headers.get('x-content-hash') };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.client.exchange<T>(method, path, body)).body;
  }
}

/** The positioned problems of a refused import (400), wherever the api put them in the body; [] for other errors. */
export function importProblemsOf(error: unknown): DatasetImportProblem[] {
  if (!(error instanceof ApiError)) return [];
  const body = error.body as unknown as { problems?: unknown; details?: { problems?: unknown } };
  const list = Array.isArray(body.problems) ? body.problems : Array.isArray(body.details?.problems) ? body.details.problems : [];
  return list
    .filter((p): p is DatasetImportProblem => typeof p === 'object' && p !== null && typeof (p as DatasetImportProblem).line === 'number')
    .map((p) => ({ line: p.line, field: String(p.field ?? ''), message: String(p.message ?? '') }));
}

export const isDatasetEvent = (event: RecordedEvent): boolean => (DATASET_EVENT_TYPES as readonly string[]).includes(event.type);

/** A project's datasets, live: a snapshot or an import reads the list again. */
export function datasetListSource(projectId: string, read: () => Promise<DatasetList>): LiveListSource<DatasetSummary> {
  return readAgainSource<DatasetSummary>(
    [{ kind: 'project', projectId }],
    async () => {
      const { datasets, position } = await read();
      return { items: datasets, position };
    },
    isDatasetEvent,
  );
}
