import {
  CONFIG_MESSAGE_MAX_LENGTH,
  DomainError,
  type ConfigEvent,
  type ConfigFiles,
  type ConfigProblem,
  type ConfigVersionSource,
  type ProjectStatus,
} from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { validateConfigSet } from './config-set';

/** A refused config set: every problem, with file, line, column and key path. */
export class ConfigInvalidError extends DomainError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super('validation', 'config.invalid', `the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ` +
      problems.slice(0, 3).map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('; '), 'files');
    this.name = 'ConfigInvalidError';
  }

  override get body() {
    return { problems: this.problems };
  }
}

/** Saving on top of a version that is no longer the latest. The API answers 409 with the diff. */
export class ConfigStaleError extends DomainError {
  constructor(
    readonly baseVersion: number,
    readonly currentVersion: number,
    /** What changed between the base and the latest version (added by the caller, who has both). */
    readonly diff?: unknown,
  ) {
    super('conflict', 'config.stale', `version ${baseVersion} is not the latest (${currentVersion}); merge the changes and save again`, 'baseVersion');
    this.name = 'ConfigStaleError';
  }

  override get body() {
    return { details: { baseVersion: this.baseVersion, currentVersion: this.currentVersion, ...(this.diff ? { diff: this.diff } : {}) } };
  }
}

/** Where the project stands (loaded by the handler from the projects read model). */
interface ProjectFact {
  readonly projectStatus: ProjectStatus | 'none';
}

export type ConfigCommand = (
  | {
      readonly type: 'SaveConfigVersion';
      readonly projectId: string;
      /** The version the edit started from (0 for the first). */
      readonly baseVersion: number;
      readonly files: ConfigFiles;
      readonly message: string;
      readonly source: Exclude<ConfigVersionSource, 'restore'>;
    }
  | { readonly type: 'RestoreConfigVersion'; readonly projectId: string; readonly version: number; readonly baseVersion: number; readonly message?: string }
) &
  ProjectFact;

export interface ConfigState {
  /** 0 before the first save. */
  readonly version: number;
  /** Every version's files, 1-based (index 0 unused): history, diff and restore read them. */
  readonly versions: readonly (ConfigFiles | undefined)[];
}

const sameFiles = (a: ConfigFiles | undefined, b: ConfigFiles): boolean => {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
};

function validMessage(raw: unknown, fallback: string): string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return fallback;
  if (typeof raw !== 'string') throw DomainError.validation('config.message.invalid', 'message', 'message must be a string');
  const message = raw.trim();
  if (message.length > CONFIG_MESSAGE_MAX_LENGTH) {
    throw DomainError.validation('config.message.too-long', 'message', `message must be at most ${CONFIG_MESSAGE_MAX_LENGTH} characters`);
  }
  return message;
}

function decide(command: ConfigCommand, state: ConfigState): ConfigEvent[] {
  if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
  if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', `project ${command.projectId} is archived and read-only`);
  if (command.baseVersion !== state.version) throw new ConfigStaleError(command.baseVersion, state.version);
  switch (command.type) {
    case 'SaveConfigVersion': {
      const message = validMessage(command.message, command.source === 'edit' ? '' : `${command.source}`);
      if (message === '') throw DomainError.validation('config.message.required', 'message', 'message is required: say what changed');
      const validation = validateConfigSet(command.files);
      if (!validation.ok) throw new ConfigInvalidError(validation.problems);
      if (sameFiles(state.versions[state.version], command.files)) return [];
      return [
        {
          type: 'ConfigVersionSaved',
          data: { projectId: command.projectId, version: state.version + 1, message, source: command.source, files: { ...command.files } },
        },
      ];
    }
    case 'RestoreConfigVersion': {
      const files = state.versions[command.version];
      if (!Number.isInteger(command.version) || command.version < 1 || !files) {
        throw DomainError.notFound('config.version.not-found', `version ${command.version} does not exist`);
      }
      if (command.version === state.version) throw DomainError.conflict('config.version.current', `version ${command.version} is already the latest`, 'version');
      return [
        {
          type: 'ConfigVersionSaved',
          data: {
            projectId: command.projectId,
            version: state.version + 1,
            message: validMessage(command.message, `restore version ${command.version}`),
            source: 'restore',
            restoredFrom: command.version,
            files,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function evolve(state: ConfigState, event: ConfigEvent): ConfigState {
  const versions = [...state.versions];
  versions[event.data.version] = event.data.files;
  return { version: event.data.version, versions };
}

/** A project's config set: every save is a new version; nothing is overwritten. */
export const configSetDecider: Decider<ConfigCommand, ConfigEvent, ConfigState> = {
  initialState: { version: 0, versions: [] },
  decide,
  evolve,
};
