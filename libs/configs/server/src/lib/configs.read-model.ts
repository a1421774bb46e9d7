import { DomainError, type ConfigFiles, type ConfigSetView, type ConfigVersionView } from '@camel/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ConfigVersionRecord } from './config-version.entity';

const toView = ({ files: _files, ...row }: ConfigVersionRecord): ConfigVersionView => row;
const toSetView = (row: ConfigVersionRecord): ConfigSetView => ({ ...toView(row), files: row.files });

/** The only code that reads `config_versions`. */
@Injectable()
export class ConfigsReadModel {
  constructor(@InjectRepository(ConfigVersionRecord) private readonly versions: Repository<ConfigVersionRecord>) {}

  /** The latest version; version 0 (no files) before the first save. */
  async latest(projectId: string): Promise<ConfigSetView> {
    const row = await this.versions.findOne({ where: { projectId }, order: { version: 'DESC' } });
    return row ? toSetView(row) : { projectId, version: 0, message: '', source: 'edit', restoredFrom: null, actor: '', createdAt: '', files: {} };
  }

  async history(projectId: string): Promise<ConfigVersionView[]> {
    const rows = await this.versions.find({
      where: { projectId },
      order: { version: 'DESC' },
      select: { projectId: true, version: true, message: true, source: true, restoredFrom: true, actor: true, createdAt: true },
    });
    return rows.map(toView);
  }

  /** `field`: the request member the version came from (a run's `configVersion`), named in a 404. */
  async version(projectId: string, version: number, field?: string): Promise<ConfigSetView> {
    const row = await this.versions.findOneBy({ projectId, version });
    if (!row) throw DomainError.notFound('config.version.not-found', `version ${version} does not exist`, field);
    return toSetView(row);
  }

  /** A version's files; version 0 is the empty set. */
  async files(projectId: string, version: number): Promise<ConfigFiles> {
    return version < 1 ? {} : (await this.version(projectId, version)).files;
  }
}
