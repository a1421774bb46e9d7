import { CONFIG_STREAM_TYPE, configStreamId, type CommandAccepted, type ConfigFiles } from '@camel/contracts';
import { ConfigInvalidError, ConfigStaleError, configSetDecider, diffConfigSets, parseBundle, type ConfigCommand } from '@camel/configs';
import { ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConfigsReadModel } from './configs.read-model';

type SaveSource = 'edit' | 'import' | 'sync';

export class SaveConfigVersion extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly baseVersion: number,
    readonly files: ConfigFiles,
    readonly message: string,
    readonly source: SaveSource = 'edit',
  ) {
    super();
  }
}

export class RestoreConfigVersion extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly version: number,
    readonly baseVersion: number,
    readonly message?: string,
  ) {
    super();
  }
}

/** All or nothing: a bundle (as exported) becomes one new version, or nothing happens. */
export class ImportConfigBundle extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly baseVersion: number,
    readonly bundle: string,
    readonly message?: string,
  ) {
    super();
  }
}

type WithoutFact<C> = C extends unknown ? Omit<C, 'projectStatus'> : never;

/**
 * The one path of every config change (api, CLI, first-start samples): load the project's standing
 * from its read model, decide on the config stream, and answer a stale save with the diff between
 * the version it started from and the latest.
 */
@Injectable()
export class ConfigCommandRunner {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    private readonly configs: ConfigsReadModel,
  ) {}

  async run(command: WithoutFact<ConfigCommand>): Promise<CommandAccepted> {
    const projectId = command.projectId;
    const projectStatus = await this.projects.standing(projectId);
    try {
      const outcome = await this.executor.execute(configSetDecider, {
        streamId: configStreamId(projectId),
        streamType: CONFIG_STREAM_TYPE,
        projectId,
        command: { ...command, projectStatus } as ConfigCommand,
      });
      return { id: projectId, version: outcome.version, position: outcome.position };
    } catch (error) {
      if (error instanceof ConfigStaleError && !error.diff) throw await this.withDiff(projectId, error);
      throw error;
    }
  }

  private async withDiff(projectId: string, error: ConfigStaleError): Promise<ConfigStaleError> {
    const filesOf = (version: number) => this.configs.files(projectId, version).catch(() => ({}));
    const [base, latest] = await Promise.all([filesOf(error.baseVersion), filesOf(error.currentVersion)]);
    return new ConfigStaleError(error.baseVersion, error.currentVersion, {
      from: error.baseVersion,
      to: error.currentVersion,
      files: diffConfigSets(base, latest).filter((file) => file.status !== 'unchanged'),
    });
  }
}

@CommandHandler(SaveConfigVersion)
export class SaveConfigVersionHandler implements ICommandHandler<SaveConfigVersion> {
  constructor(private readonly runner: ConfigCommandRunner) {}

  execute({ projectId, baseVersion, files, message, source }: SaveConfigVersion): Promise<CommandAccepted> {
    return this.runner.run({ type: 'SaveConfigVersion', projectId, baseVersion, files, message, source });
  }
}

@CommandHandler(RestoreConfigVersion)
export class RestoreConfigVersionHandler implements ICommandHandler<RestoreConfigVersion> {
  constructor(private readonly runner: ConfigCommandRunner) {}

  execute({ projectId, version, baseVersion, message }: RestoreConfigVersion): Promise<CommandAccepted> {
    return this.runner.run({ type: 'RestoreConfigVersion', projectId, version, baseVersion, message });
  }
}

@CommandHandler(ImportConfigBundle)
export class ImportConfigBundleHandler implements ICommandHandler<ImportConfigBundle> {
  constructor(private readonly runner: ConfigCommandRunner) {}

  execute({ projectId, baseVersion, bundle, message }: ImportConfigBundle): Promise<CommandAccepted> {
    const parsed = parseBundle(bundle);
    if (!parsed.ok) throw new ConfigInvalidError(parsed.problems);
    return this.runner.run({ type: 'SaveConfigVersion', projectId, baseVersion, files: parsed.value, message: message?.trim() || 'import', source: 'import' });
  }
}

export const CONFIG_COMMAND_HANDLERS = [ConfigCommandRunner, SaveConfigVersionHandler, RestoreConfigVersionHandler, ImportConfigBundleHandler];
