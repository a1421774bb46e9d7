import {
  CONFIG_STREAM_TYPE,
  DomainError,
  configStreamId,
  type CommandAccepted,
  type ConfigDiff,
  type ConfigFiles,
  type ConfigSetView,
  type ConfigVersionSource,
  type ConfigVersionView,
  type ValidateConfigResponse,
} from '@camel/contracts';
import { ConfigInvalidError, ConfigStaleError, configSetDecider, diffConfigSets, parseBundle, toBundle, validateConfigSet, type ConfigCommand } from '@camel/configs';
import type { EventStore } from '@camel/event-store';
import { CommandExecutor, EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';

interface VersionRow extends Record<string, unknown> {
  project_id: string;
  version: number;
  message: string;
  source: ConfigVersionSource;
  restored_from: number | null;
  actor: string;
  created_at: string;
}

const VERSION_COLUMNS = 'project_id, version, message, source, restored_from, actor, created_at';
const toView = (row: VersionRow): ConfigVersionView => ({
  projectId: row.project_id,
  version: Number(row.version),
  message: row.message,
  source: row.source,
  restoredFrom: row.restored_from === null ? null : Number(row.restored_from),
  actor: row.actor,
  createdAt: row.created_at,
});

/** A project's versioned config set: commands through the config-set decider, reads from config_versions. */
@Injectable()
export class ConfigsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly executor: CommandExecutor,
  ) {}

  async current(projectId: string): Promise<ConfigSetView> {
    const rows = await this.store.db.query<VersionRow & { files: string }>(
      `SELECT ${VERSION_COLUMNS}, files FROM config_versions WHERE project_id = $1 ORDER BY version DESC LIMIT 1`,
      [projectId],
    );
    if (!rows[0]) return { projectId, version: 0, message: '', source: 'edit', restoredFrom: null, actor: '', createdAt: '', files: {} };
    return { ...toView(rows[0]), files: JSON.parse(rows[0].files) as ConfigFiles };
  }

  async versions(projectId: string): Promise<ConfigVersionView[]> {
    const rows = await this.store.db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM config_versions WHERE project_id = $1 ORDER BY version DESC`, [projectId]);
    return rows.map(toView);
  }

  async version(projectId: string, version: number): Promise<ConfigSetView> {
    const rows = await this.store.db.query<VersionRow & { files: string }>(
      `SELECT ${VERSION_COLUMNS}, files FROM config_versions WHERE project_id = $1 AND version = $2`,
      [projectId, version],
    );
    if (!rows[0]) throw DomainError.notFound('config.version.not-found', `version ${version} does not exist`);
    return { ...toView(rows[0]), files: JSON.parse(rows[0].files) as ConfigFiles };
  }

  /** Version 0 is the empty set, so `from=0` shows everything as added. */
  async diff(projectId: string, from: number, to: number): Promise<ConfigDiff> {
    const files = async (version: number) => (version === 0 ? {} : (await this.version(projectId, version)).files);
    return { from, to, files: diffConfigSets(await files(from), await files(to)) };
  }

  validate(files: ConfigFiles): ValidateConfigResponse {
    const result = validateConfigSet(files);
    return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.problems };
  }

  save(projectId: string, baseVersion: number, files: ConfigFiles, message: string, source: 'edit' | 'import' | 'sync' = 'edit') {
    return this.run(projectId, { type: 'SaveConfigVersion', projectId, baseVersion, files, message, source });
  }

  restore(projectId: string, version: number, baseVersion: number, message?: string) {
    return this.run(projectId, { type: 'RestoreConfigVersion', projectId, version, baseVersion, message });
  }

  /** All-or-nothing: the bundle becomes one new version, or nothing happens. */
  async import(projectId: string, baseVersion: number, bundle: string, message?: string): Promise<CommandAccepted> {
    const parsed = parseBundle(bundle);
    if (!parsed.ok) throw new ConfigInvalidError(parsed.problems);
    return this.save(projectId, baseVersion, parsed.value, message?.trim() || 'import', 'import');
  }

  async export(projectId: string): Promise<string> {
    const current = await this.current(projectId);
    return toBundle(current.version, current.files);
  }

  private async run(projectId: string, command: ConfigCommand): Promise<CommandAccepted> {
    const projects = await this.store.db.query<{ status: string }>('SELECT status FROM projects WHERE id = $1', [projectId]);
    if (!projects[0]) throw DomainError.notFound('project.not-found', `project ${projectId} does not exist`);
    if (projects[0].status === 'archived') throw DomainError.conflict('project.archived', `project ${projectId} is archived and read-only`);
    try {
      const outcome = await this.executor.execute(configSetDecider, {
        streamId: configStreamId(projectId),
        streamType: CONFIG_STREAM_TYPE,
        projectId,
        command,
      });
      return { id: projectId, version: outcome.version, position: outcome.position };
    } catch (error) {
      if (error instanceof ConfigStaleError && !error.diff) {
        const filesOf = (version: number) => (version < 1 ? Promise.resolve({}) : this.version(projectId, version).then((v) => v.files, () => ({})));
        const base = await filesOf(error.baseVersion);
        const latest = await filesOf(error.currentVersion);
        throw new ConfigStaleError(error.baseVersion, error.currentVersion, {
          from: error.baseVersion,
          to: error.currentVersion,
          files: diffConfigSets(base, latest).filter((file) => file.status !== 'unchanged'),
        });
      }
      throw error;
    }
  }
}
