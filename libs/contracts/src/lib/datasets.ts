import type { DomainEvent } from './event-envelope';
import type { LogFilter } from './runs-api';
import type { ChatMessage } from './workflows';

/**
 * Versioned preference datasets (docs/api.md "Datasets", docs/architecture.md "Datasets"):
 *
 *   POST /api/projects/:id/datasets                                   CreateDatasetSnapshotRequest → 201 DatasetAccepted
 *   POST /api/projects/:id/datasets/import                            ImportDatasetRequest (JSONL text, either TRL format) → 201 DatasetAccepted
 *                                                                     (400 `details.problems`: [{ line, field, message }], nothing stored)
 *   GET  /api/projects/:id/datasets                                   → DatasetList (+ x-read-position)
 *   GET  /api/projects/:id/datasets/:datasetId                        → DatasetDetail (every version)
 *   GET  /api/projects/:id/datasets/:datasetId/versions/:version      → DatasetVersionView
 *   GET  /api/projects/:id/datasets/:datasetId/versions/:version/preview?split&limit   → DatasetPreview
 *   GET  /api/projects/:id/datasets/:datasetId/versions/:version/export?format&split   → the file, streamed
 *        (format standard|conversational → application/x-ndjson, csv → text/csv; split train|test|all, default all;
 *         header x-content-hash = the version's contentHash)
 *
 * A dataset is a name in a project; each snapshot or import under that name is its next version
 * (1, 2, …), immutable. Permissions: reads `dataset:read` (every member role), create and import
 * `dataset:create` (engineers, admins). Live: `DatasetSnapshotCreated` / `DatasetImported` reach the
 * project topic.
 */
export const DATASET_STREAM_TYPE = 'dataset';
export const datasetStreamId = (datasetId: string): string => `dataset-${datasetId}`;

export const DATASET_EXPORT_FORMATS = ['standard', 'conversational', 'csv'] as const;
export type DatasetExportFormat = (typeof DATASET_EXPORT_FORMATS)[number];
export const DATASET_SPLITS = ['train', 'test'] as const;
export type DatasetSplit = (typeof DATASET_SPLITS)[number];
export type DatasetSplitFilter = DatasetSplit | 'all';

export const DATASET_NAME_MAX = 100;
export const DATASET_PREVIEW_MAX = 100;
/** Largest import body accepted (bytes); larger answers 413 `dataset.import.too-large`. */
export const DATASET_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
/** Pairs per `DatasetPairsImported` event. */
export const DATASET_IMPORT_CHUNK = 1000;

/**
 * The logs filter a snapshot selects by: the explorer's filters (`LogFilter`), matched against the
 * log as of the snapshot's position (`reason` is the run's termination reason then; `q` matches
 * words and quoted phrases case-insensitively, the same on both engines), so a snapshot is
 * reproducible from the log alone.
 */
export type DatasetLogFilter = LogFilter;

export type DatasetSelection =
  | { readonly kind: 'filter'; readonly filter: DatasetLogFilter }
  | { readonly kind: 'queue'; readonly queueId: string };

/** `testRatio` of the pairs go to `test` (0 ≤ ratio < 1), chosen by `seed`: the same seed gives the same split. */
export interface DatasetSplitSpec {
  readonly testRatio: number;
  readonly seed: number;
}
export const DEFAULT_DATASET_SPLIT: DatasetSplitSpec = { testRatio: 0.1, seed: 1 };

export interface CreateDatasetSnapshotRequest {
  /** 1–100 characters; an existing name gets its next version. */
  readonly name: string;
  readonly description?: string;
  readonly selection: DatasetSelection;
  readonly split?: DatasetSplitSpec;
}

/** `id` = the dataset id (stable per name), `datasetVersion` = the version this command made. */
export interface DatasetAccepted {
  readonly id: string;
  readonly version: number;
  readonly position: number;
  readonly datasetVersion: number;
}

export type PairSource = 'pairwise' | 'correction' | 'import';

/** Versions of the rule that turns answers into pairs (recorded in each snapshot so a rebuild makes the same pairs). */
export type DatasetPairing = 1 | 2;
export const DATASET_PAIRING: DatasetPairing = 2;

export interface DatasetCounts {
  /** Pairs in the version (after ties and duplicates). */
  readonly pairs: number;
  /** Pairwise answers `equal` / `both_bad`: not pairs, counted. */
  readonly tiesSkipped: number;
  readonly duplicatesRemoved: number;
  /**
   * Pairs left out because the same prompt and responses were preferred the other way by as many
   * answers or more (a disagreement nobody adjudicated): the majority's pair is kept, a tie keeps
   * neither. Versions made before this rule (no `pairing` in their event) have no such count.
   */
  readonly conflictsSkipped?: number;
  readonly train: number;
  readonly test: number;
}

export interface DatasetLineage {
  /** Annotations whose answers made the pairs (adjudicated items: the annotations of the item). */
  readonly annotations: number;
  readonly runIds: readonly string[];
  readonly configVersions: readonly number[];
}

export interface DatasetVersionView {
  readonly datasetId: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly origin: 'snapshot' | 'import';
  /** Snapshots: what was selected; imports: null. */
  readonly selection: DatasetSelection | null;
  /** Snapshots: the log position the pairs were taken at (annotations up to it). */
  readonly logPosition: number | null;
  readonly split: DatasetSplitSpec;
  /** sha256 (hex) of the version's pairs in export order (docs/api.md "Datasets"). */
  readonly contentHash: string;
  readonly counts: DatasetCounts;
  readonly lineage: DatasetLineage;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface DatasetSummary {
  readonly datasetId: string;
  readonly projectId: string;
  readonly name: string;
  readonly latest: DatasetVersionView;
}

export interface DatasetList {
  readonly datasets: readonly DatasetSummary[];
  /** The datasets read model's checkpoint: follow the project topic from here. */
  readonly position: number;
}

export interface DatasetDetail {
  readonly datasetId: string;
  readonly projectId: string;
  readonly name: string;
  /** Oldest first. */
  readonly versions: readonly DatasetVersionView[];
}

export interface PreferencePairView {
  /** 0-based, in export order. */
  readonly index: number;
  readonly split: DatasetSplit;
  /** The whole history up to the judged turn. */
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  readonly source: PairSource;
  /** The annotated log entry (null for imports). */
  readonly entryId: string | null;
  readonly annotationIds: readonly string[];
}

export interface DatasetPreview {
  readonly version: DatasetVersionView;
  readonly pairs: readonly PreferencePairView[];
}

export interface DatasetPreviewQuery {
  readonly split?: DatasetSplitFilter;
  /** 1–100, default 20. */
  readonly limit?: number;
}

export interface DatasetExportQuery {
  readonly format?: DatasetExportFormat;
  readonly split?: DatasetSplitFilter;
}

/** The body of an import: the JSONL file as text (≤ DATASET_IMPORT_MAX_BYTES as a request). */
export interface ImportDatasetRequest {
  readonly name: string;
  readonly description?: string;
  /** One JSON object per line: TRL standard (`prompt`/`chosen`/`rejected` strings) or conversational (message lists). */
  readonly content: string;
  readonly split?: DatasetSplitSpec;
}

/** One line of an import that is not a valid pair (line is 1-based). */
export interface DatasetImportProblem {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/** Lines of the exports (and what an import accepts). */
export interface StandardPreferenceLine {
  readonly prompt: string;
  readonly chosen: string;
  readonly rejected: string;
}
export interface ConversationalPreferenceLine {
  readonly prompt: readonly ChatMessage[];
  readonly chosen: readonly ChatMessage[];
  readonly rejected: readonly ChatMessage[];
}

// ---- events ----

export interface DatasetVersionHeader {
  readonly datasetId: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly split: DatasetSplitSpec;
}

/**
 * A snapshot: the selection and the log position; the pairs are materialized by the datasets
 * projection from the events up to `logPosition` (deterministic), and `contentHash` / `counts` /
 * `lineage` are what that materialization gives.
 */
export type DatasetSnapshotCreated = DomainEvent<
  'DatasetSnapshotCreated',
  DatasetVersionHeader & {
    readonly selection: DatasetSelection;
    readonly logPosition: number;
    /** How answers became pairs: 2 settles contradictory pairs (see DatasetCounts.conflictsSkipped); absent: 1, every answer's pair (versions made before). */
    readonly pairing?: DatasetPairing;
    readonly contentHash: string;
    readonly counts: DatasetCounts;
    readonly lineage: DatasetLineage;
  }
>;

export interface ImportedPair {
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  readonly split: DatasetSplit;
}

/**
 * An import's pairs, `DATASET_IMPORT_CHUNK` per event, already deduplicated, split and in export
 * order (`offset` = index of the first).
 */
export type DatasetPairsImported = DomainEvent<
  'DatasetPairsImported',
  { readonly datasetId: string; readonly version: number; readonly offset: number; readonly pairs: readonly ImportedPair[] }
>;

/** The last event of an import (after its chunks, same append). */
export type DatasetImported = DomainEvent<
  'DatasetImported',
  DatasetVersionHeader & { readonly contentHash: string; readonly counts: DatasetCounts; readonly lineage: DatasetLineage }
>;

export type DatasetEvent = DatasetSnapshotCreated | DatasetPairsImported | DatasetImported;
export const DATASET_EVENT_TYPES: readonly DatasetEvent['type'][] = ['DatasetSnapshotCreated', 'DatasetPairsImported', 'DatasetImported'];
