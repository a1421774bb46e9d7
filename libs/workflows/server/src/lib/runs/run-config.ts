import { DomainError } from '@camel/contracts';
import { validateConfigSet, type ValidConfigSet } from '@camel/configs';
import { ConfigsReadModel } from '@camel/configs/server';
import { Injectable } from '@nestjs/common';

export interface PinnedConfig {
  readonly version: number;
  readonly config: ValidConfigSet;
}

/** The config version a run pins: the one asked for, else the latest; always a saved, valid set. */
@Injectable()
export class RunConfigs {
  constructor(private readonly configs: ConfigsReadModel) {}

  async pinned(projectId: string, version?: number): Promise<PinnedConfig> {
    const set = version === undefined ? await this.configs.latest(projectId) : await this.configs.version(projectId, version, 'configVersion');
    if (set.version === 0) throw DomainError.conflict('run.config.none', 'the project has no saved config yet: write agents and a workflow first', 'configVersion');
    const valid = validateConfigSet(set.files);
    if (!valid.ok) throw DomainError.conflict('run.config.invalid', `config version ${set.version} does not validate any more`, 'configVersion');
    return { version: set.version, config: valid.value };
  }
}
