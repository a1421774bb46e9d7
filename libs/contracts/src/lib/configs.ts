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
