import { Injectable, inject } from '@angular/core';
import type { CreateDatasetSnapshotRequest, DatasetAccepted, DatasetDetail, DatasetExportQuery, DatasetList, DatasetPreview, DatasetPreviewQuery } from '@camel/contracts';
import { DatasetsClient, type DatasetFile } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/** The datasets routes for the Datasets page, with `ApiService`'s handling of errors. */
@Injectable({ providedIn: 'root' })
export class DatasetsApiService {
  private readonly client = new DatasetsClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

  listDatasets(projectId: string): Promise<DatasetList> {
    return this.api.call(() => this.client.listDatasets(projectId));
  }

  getDataset(projectId: string, datasetId: string): Promise<DatasetDetail> {
    return this.api.call(() => this.client.getDataset(projectId, datasetId));
  }

  snapshot(projectId: string, request: CreateDatasetSnapshotRequest): Promise<DatasetAccepted> {
    return this.api.call(() => this.client.snapshot(projectId, request));
  }

  /** Not toasted: the page lists a refused file's problems in place. */
  importJsonl(projectId: string, name: string, jsonl: string, description?: string): Promise<DatasetAccepted> {
    return this.client.importJsonl(projectId, name, jsonl, description);
  }

  preview(projectId: string, datasetId: string, version: number, query: DatasetPreviewQuery): Promise<DatasetPreview> {
    return this.api.call(() => this.client.preview(projectId, datasetId, version, query));
  }

  exportFile(projectId: string, datasetId: string, version: number, name: string, query: DatasetExportQuery): Promise<DatasetFile> {
    return this.api.call(() => this.client.exportFile(projectId, datasetId, version, name, query));
  }
}
