import {
  DATASET_IMPORT_CHUNK,
  DATASET_PAIRING,
  DATASET_NAME_MAX,
  DomainError,
  type DatasetEvent,
  type DatasetSelection,
  type DatasetSplitSpec,
  type DatasetVersionHeader,
  type ProjectStatus,
} from '@camel/contracts';
import { formatUuid, type Decider } from '@camel/kernel';
import { validLogFilter } from '@camel/workflows';
import { createHash } from 'node:crypto';
import type { Materialized } from './pairs';

export const DATASET_DESCRIPTION_MAX = 2000;

/** Fixed namespace of dataset ids (RFC 9562 UUIDv5 style). */
const DATASET_NAMESPACE = Buffer.from('3b8e1f7a2c9d4e5f8a6b0c1d2e3f4a5b', 'hex');

/**
 * A dataset's id is derived from its project and name: every version of a name lands on one stream,
 * so two concurrent snapshots of a new name get versions 1 and 2 instead of two datasets.
 */
export function datasetIdFor(projectId: string, name: string): string {
  const bytes = createHash('sha1').update(DATASET_NAMESPACE).update(`${projectId}\n${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
}

export function validDatasetName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw DomainError.validation('dataset.name.required', 'name', 'name must not be empty');
  const name = raw.trim();
  if (name.length > DATASET_NAME_MAX) throw DomainError.validation('dataset.name.too-long', 'name', `name must be at most ${DATASET_NAME_MAX} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw DomainError.validation('dataset.name.invalid', 'name', 'name must not contain control characters');
  return name;
}

export function validSplit(raw: DatasetSplitSpec): DatasetSplitSpec {
  if (typeof raw.testRatio !== 'number' || !(raw.testRatio >= 0 && raw.testRatio < 1)) {
    throw DomainError.validation('dataset.split.ratio', 'split.testRatio', 'split.testRatio must be a number with 0 ≤ ratio < 1');
  }
  if (!Number.isSafeInteger(raw.seed)) throw DomainError.validation('dataset.split.seed', 'split.seed', 'split.seed must be an integer');
  return { testRatio: raw.testRatio, seed: raw.seed };
}

/** A selection with only known fields; a filter is the logs filter (`validLogFilter`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validSelection(raw: DatasetSelection): DatasetSelection {
  if (typeof raw !== 'object' || raw === null) throw DomainError.validation('dataset.selection.required', 'selection', 'selection must be an object');
  const allowed = raw.kind === 'queue' ? ['kind', 'queueId'] : ['kind', 'filter'];
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown) throw DomainError.validation('validation', `selection.${unknown}`, `property selection.${unknown} should not exist`);
  if (raw.kind === 'queue') {
    if (typeof raw.queueId !== 'string' || raw.queueId === '') throw DomainError.validation('dataset.selection.queue', 'selection.queueId', 'selection.queueId is required');
    if (!UUID.test(raw.queueId)) throw DomainError.validation('dataset.selection.queue', 'selection.queueId', 'selection.queueId must be a UUID');
    return { kind: 'queue', queueId: raw.queueId };
  }
  if (raw.kind !== 'filter') throw DomainError.validation('dataset.selection.kind', 'selection.kind', 'selection.kind must be filter or queue');
  const filter = validLogFilter(raw.filter, 'selection.filter', 'dataset.selection.filter');
  return { kind: 'filter', filter };
}

interface DatasetFacts {
  readonly datasetId: string;
  readonly projectId: string;
  readonly name: string;
  readonly description?: string;
  readonly split: DatasetSplitSpec;
  /** Loaded by the handler from the projects read model. */
  readonly projectStatus: ProjectStatus | 'none';
  readonly materialized: Materialized;
}

export type DatasetCommand =
  | (DatasetFacts & { readonly type: 'CreateSnapshot'; readonly selection: DatasetSelection; readonly logPosition: number })
  | (DatasetFacts & { readonly type: 'ImportDataset' });

export interface DatasetState {
  readonly projectId: string | null;
  readonly name: string | null;
  /** The last version made (0: none). */
  readonly versions: number;
}

function header(command: DatasetCommand, state: DatasetState): DatasetVersionHeader {
  if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
  if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', 'the project is archived');
  const name = validDatasetName(command.name);
  const description = command.description?.trim() || null;
  if (description && description.length > DATASET_DESCRIPTION_MAX) {
    throw DomainError.validation('dataset.description.too-long', 'description', `description must be at most ${DATASET_DESCRIPTION_MAX} characters`);
  }
  if (state.name !== null && (state.name !== name || state.projectId !== command.projectId)) {
    throw DomainError.conflict('dataset.id-mismatch', `dataset ${command.datasetId} is named ${state.name}`, 'name');
  }
  return { datasetId: command.datasetId, projectId: command.projectId, name, description, version: state.versions + 1, split: validSplit(command.split) };
}

/** A dataset: every version of one name in a project, each immutable once made. */
export const datasetDecider: Decider<DatasetCommand, DatasetEvent, DatasetState> = {
  initialState: { projectId: null, name: null, versions: 0 },

  decide(command, state) {
    const head = header(command, state);
    const { contentHash, counts, lineage, pairs } = command.materialized;
    if (command.type === 'CreateSnapshot') {
      const selection = validSelection(command.selection);
      if (counts.pairs === 0) {
        throw DomainError.validation('dataset.empty', selection.kind === 'queue' ? 'selection.queueId' : 'selection.filter', 'the selection has no preference pairs');
      }
      return [{ type: 'DatasetSnapshotCreated', data: { ...head, selection, logPosition: command.logPosition, pairing: DATASET_PAIRING, contentHash, counts, lineage } }];
    }
    const chunks: DatasetEvent[] = [];
    for (let offset = 0; offset < pairs.length; offset += DATASET_IMPORT_CHUNK) {
      const chunk = pairs.slice(offset, offset + DATASET_IMPORT_CHUNK).map((p) => ({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, split: p.split }));
      chunks.push({ type: 'DatasetPairsImported', data: { datasetId: head.datasetId, version: head.version, offset, pairs: chunk } });
    }
    return [...chunks, { type: 'DatasetImported', data: { ...head, contentHash, counts, lineage } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'DatasetSnapshotCreated':
      case 'DatasetImported':
        return { projectId: event.data.projectId, name: event.data.name, versions: event.data.version };
      case 'DatasetPairsImported':
        return state;
    }
  },
};
