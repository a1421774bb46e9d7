import type { ChatMessage, DatasetDetail, DatasetSelection, DatasetSplitFilter, DatasetSplitSpec, DatasetSummary, DatasetVersionView, PreferencePairView } from '@camel/contracts';
import type { Materialized } from '@camel/datasets';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { snapshotAt } from './dataset-source';
import { DatasetPairRecord, DatasetVersionRecord } from './dataset.entities';
import { datasetsProjection } from './datasets.projection';

const toView = (row: DatasetVersionRecord): DatasetVersionView => ({
  datasetId: row.datasetId,
  projectId: row.projectId,
  name: row.name,
  description: row.description,
  version: row.version,
  origin: row.origin,
  selection: row.selection,
  logPosition: row.logPosition,
  split: row.split,
  contentHash: row.contentHash,
  counts: row.counts,
  lineage: row.lineage,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

export const toPairView = (row: DatasetPairRecord): PreferencePairView => ({
  index: row.idx,
  split: row.split,
  prompt: JSON.parse(row.prompt) as ChatMessage[],
  chosen: row.chosen,
  rejected: row.rejected,
  source: row.source,
  entryId: row.entryId,
  annotationIds: row.annotationIds,
});

/** Pairs per page of an export's cursor: what memory an export holds at most. */
export const EXPORT_PAGE = 500;

/** The only code that reads the datasets tables. */
@Injectable()
export class DatasetsReadModel {
  constructor(
    @InjectRepository(DatasetVersionRecord) private readonly versions: Repository<DatasetVersionRecord>,
    @InjectRepository(DatasetPairRecord) private readonly pairs: Repository<DatasetPairRecord>,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, datasetsProjection.name);
  }

  /** What a snapshot of `selection` as of `at` would hold (at most the projection's checkpoint). */
  snapshot(projectId: string, selection: DatasetSelection, at: number, split: DatasetSplitSpec): Promise<Materialized> {
    return snapshotAt(this.dataSource.manager, projectId, selection, at, split);
  }

  async list(projectId: string): Promise<DatasetSummary[]> {
    const rows = await this.versions.find({ where: { projectId }, order: { name: 'ASC', version: 'ASC' } });
    const latest = new Map<string, DatasetVersionRecord>();
    for (const row of rows) latest.set(row.datasetId, row);
    return [...latest.values()].map((row) => ({ datasetId: row.datasetId, projectId: row.projectId, name: row.name, latest: toView(row) }));
  }

  async detail(projectId: string, datasetId: string): Promise<DatasetDetail | null> {
    const rows = await this.versions.find({ where: { projectId, datasetId }, order: { version: 'ASC' } });
    const [first] = rows;
    return first ? { datasetId, projectId, name: first.name, versions: rows.map(toView) } : null;
  }

  async version(projectId: string, datasetId: string, version: number): Promise<DatasetVersionView | null> {
    const row = await this.versions.findOneBy({ projectId, datasetId, version });
    return row ? toView(row) : null;
  }

  async preview(datasetId: string, version: number, split: DatasetSplitFilter, limit: number): Promise<PreferencePairView[]> {
    const rows = await this.pairs.find({
      where: { datasetId, version, ...(split === 'all' ? {} : { split }) },
      order: { idx: 'ASC' },
      take: limit,
    });
    return rows.map(toPairView);
  }

  /**
   * Every pair of a version in export order, a page at a time (keyset on `idx`): memory stays flat
   * whatever the size. Plain SQL: the ORM's hydration of each page cost more than the export itself.
   */
  async *cursor(datasetId: string, version: number, split: DatasetSplitFilter): AsyncGenerator<DatasetPairRecord[]> {
    const pg = this.dataSource.options.type === 'postgres';
    const p = (n: number) => (pg ? `$${n}` : '?');
    const sql =
      `SELECT idx, split, prompt, chosen, rejected, source, entry_id, annotation_ids FROM dataset_pairs WHERE dataset_id = ${p(1)} AND version = ${p(2)} AND idx > ${p(3)}` +
      `${split === 'all' ? ` ORDER BY idx LIMIT ${p(4)}` : ` AND split = ${p(4)} ORDER BY idx LIMIT ${p(5)}`}`;
    let after = -1;
    for (;;) {
      const raw: Record<string, unknown>[] = await this.dataSource.query(sql, split === 'all' ? [datasetId, version, after, EXPORT_PAGE] : [datasetId, version, after, split, EXPORT_PAGE]);
      if (raw.length === 0) return;
      const rows = raw.map((r) =>
        Object.assign(new DatasetPairRecord(), {
          datasetId,
          version,
          idx: Number(r['idx']),
          split: r['split'],
          prompt: r['prompt'],
          chosen: r['chosen'],
          rejected: r['rejected'],
          source: r['source'],
          entryId: r['entry_id'],
          annotationIds: JSON.parse(String(r['annotation_ids'])) as string[],
        }),
      );
      yield rows;
      after = rows[rows.length - 1].idx;
      if (rows.length < EXPORT_PAGE) return;
    }
  }
}
