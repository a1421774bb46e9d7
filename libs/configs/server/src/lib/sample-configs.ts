import type { EventStore } from '@camel/event-store';
import { ConfigInvalidError } from '@camel/configs';
import { APP_CONFIG, type AppConfig, EVENT_STORE } from '@camel/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandAccepted } from '@camel/contracts';
import { CreateProject } from '@camel/projects/server';
import { readConfigFolder } from './config-folder';
import { ConfigsService } from './configs.service';

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
    private readonly configs: ConfigsService,
  ) {}

  async importAtFirstStart(): Promise<void> {
    if (this.store.engine !== 'sqlite') return;
    const files = readConfigFolder(this.config.configsDir);
    if (!files) return;
    const [{ count }] = await this.store.db.query<{ count: string | number }>('SELECT COUNT(*) AS count FROM projects');
    if (Number(count) > 0) return;
    const project: CommandAccepted = await this.commands.execute(new CreateProject('Default', 'Sample agents and workflows from configs/'));
    try {
      const saved = await this.configs.save(project.id, 0, files, `samples from ${this.config.configsDir}`, 'sync');
      this.logger.log(`sample configs (${Object.keys(files).length} files) imported into the Default project as version ${saved.version}`);
    } catch (error) {
      if (!(error instanceof ConfigInvalidError)) throw error;
      this.logger.error(`sample configs in ${this.config.configsDir} are invalid, not imported:\n${error.problems.map((p) => `  ${p.file}:${p.line}:${p.column} ${p.message}`).join('\n')}`);
    }
  }
}
