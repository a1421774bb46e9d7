/**
 * Agent and workflow configuration files (docs/configs.md): what a validation answer looks like.
 * Every problem names its file, the 1-based line and column, and the path of the offending key.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted key path, e.g. `agents[2].model.temperature`; '' for the whole file. */
  readonly path: string;
  /** Stable machine-readable code, e.g. `yaml.duplicate-key`, `config.unknown-key`, `config.reference`. */
  readonly code: string;
  readonly message: string;
}

/** Largest config file accepted, in bytes. */
export const CONFIG_FILE_MAX_BYTES = 1024 * 1024;

export const CONFIG_STREAM_TYPE = 'config-set';
/** One versioned config set per project. */
export const configStreamId = (projectId: string): string => `configs-${projectId}`;
export const AGENTS_FILE = 'agents.yaml';
/** `agents.yaml` or `workflows/<name>.yaml`. */
export const CONFIG_FILE_PATH = /^(agents\.yaml|workflows\/[a-z0-9][a-z0-9_-]{0,63}\.yaml)$/;
export const CONFIG_MESSAGE_MAX_LENGTH = 500;
export const CONFIG_MAX_FILES = 200;

export type ConfigVersionSource = 'edit' | 'import' | 'restore' | 'sync';

/** A whole config set, as saved: every file's text (path → YAML). */
export type ConfigFiles = Readonly<Record<string, string>>;

export interface ConfigVersionSavedData {
  readonly projectId: string;
  readonly version: number;
  readonly message: string;
  readonly source: ConfigVersionSource;
  /** Set when the version restores an earlier one. */
  readonly restoredFrom?: number;
  readonly files: ConfigFiles;
}

export interface ConfigVersionSaved {
  readonly type: 'ConfigVersionSaved';
  readonly data: ConfigVersionSavedData;
}
export type ConfigEvent = ConfigVersionSaved;
export const CONFIG_EVENT_TYPES: readonly ConfigEvent['type'][] = ['ConfigVersionSaved'];

/** One run of a line diff: lines only in `from` (removed), only in `to` (added), or in both. */
export interface DiffChunk {
  readonly op: 'equal' | 'add' | 'remove';
  readonly lines: readonly string[];
}

export interface ConfigFileDiff {
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly chunks: readonly DiffChunk[];
}

export interface ConfigDiff {
  readonly from: number;
  readonly to: number;
  readonly files: readonly ConfigFileDiff[];
}

export interface ConfigVersionView {
  readonly projectId: string;
  readonly version: number;
  readonly message: string;
  readonly source: ConfigVersionSource;
  readonly restoredFrom: number | null;
  readonly actor: string;
  readonly createdAt: string;
}

/** The latest version with its files (version 0 and no files before the first save). */
export interface ConfigSetView extends ConfigVersionView {
  readonly files: ConfigFiles;
}

export interface SaveConfigRequest {
  readonly baseVersion: number;
  readonly files: ConfigFiles;
  readonly message: string;
}

export interface ValidateConfigRequest {
  readonly files: ConfigFiles;
}

export interface ValidateConfigResponse {
  readonly ok: boolean;
  readonly problems: readonly ConfigProblem[];
}

export interface RestoreConfigRequest {
  readonly baseVersion: number;
  readonly message?: string;
}

/** A whole set as one YAML document: `{ format: camel-configs/1, version, files: { path: text } }`. */
export interface ImportConfigRequest {
  readonly baseVersion: number;
  readonly bundle: string;
  readonly message?: string;
}
export const CONFIG_BUNDLE_FORMAT = 'camel-configs/1';
