import type { CommandAccepted } from '@camel/contracts';
import { ConfigInvalidError } from '@camel/configs';
import type { EventStore } from '@camel/event-store';
import { CreateProject, ProjectsReadModel } from '@camel/projects/server';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '@camel/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { readConfigFolder } from './config-folder';
import { SaveConfigVersion } from './configs.commands';

/**
 * First start of the embedded default: when the log has no project yet, the sample configs in
 * CONFIGS_DIR (the repository's `configs/`) become version 1 of a "Default" project.
 */
@Injectable()
export class SampleConfigs {
  private readonly logger = new Logger('Configs');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
    private readonly projects: ProjectsReadModel,
  ) {}

  async importAtFirstStart(): Promise<void> {
    if (this.store.engine !== 'sqlite') return;
    const files = readConfigFolder(this.config.configsDir);
    if (!files) return;
    if ((await this.projects.count()) > 0) return;
    const project: CommandAccepted = await this.commands.execute(new CreateProject('Default', 'Sample agents and workflows from configs/'));
    try {
      const saved: CommandAccepted = await this.commands.execute(
        new SaveConfigVersion(project.id, 0, files, `samples from ${this.config.configsDir}`, 'sync'),
      );
      this.logger.log(`sample configs (${Object.keys(files).length} files) imported into the Default project as version ${saved.version}`);
    } catch (error) {
      if (!(error instanceof ConfigInvalidError)) throw error;
      this.logger.error(`sample configs in ${this.config.configsDir} are invalid, not imported:\n${error.problems.map((p) => `  ${p.file}:${p.line}:${p.column} ${p.message}`).join('\n')}`);
    }
  }
}
