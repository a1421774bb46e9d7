import { PROJECT_STREAM_TYPE, projectStreamId, type CommandAccepted } from '@camel/contracts';
import { projectDecider, type ProjectCommand } from '@camel/projects';
import { CommandExecutor, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProjectNames } from './project-names';
import { ProjectsReadModel } from './projects.read-model';

export class CreateProject extends Command<CommandAccepted> {
  constructor(readonly name: string, readonly description?: string) {
    super();
  }
}

export class RenameProject extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly name: string) {
    super();
  }
}

export class ArchiveProject extends Command<CommandAccepted> {
  constructor(readonly projectId: string) {
    super();
  }
}

/** A project command; the names its events give or free are reserved in the append's transaction. */
async function run(executor: CommandExecutor, names: ProjectNames, command: ProjectCommand): Promise<CommandAccepted> {
  const outcome = await executor.execute(projectDecider, {
    streamId: projectStreamId(command.projectId),
    streamType: PROJECT_STREAM_TYPE,
    projectId: command.projectId,
    command,
    inTransaction: names.inTransaction,
  });
  return { id: command.projectId, version: outcome.version, position: outcome.position };
}

@CommandHandler(CreateProject)
export class CreateProjectHandler implements ICommandHandler<CreateProject> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    private readonly names: ProjectNames,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute(command: CreateProject): Promise<CommandAccepted> {
    return run(this.executor, this.names, {
      type: 'CreateProject',
      projectId: this.newId(),
      name: command.name,
      description: command.description,
      nameTakenBy: await this.projects.activeProjectNamed(command.name),
    });
  }
}

@CommandHandler(RenameProject)
export class RenameProjectHandler implements ICommandHandler<RenameProject> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    private readonly names: ProjectNames,
  ) {}

  async execute(command: RenameProject): Promise<CommandAccepted> {
    return run(this.executor, this.names, {
      type: 'RenameProject',
      projectId: command.projectId,
      name: command.name,
      nameTakenBy: await this.projects.activeProjectNamed(command.name),
    });
  }
}

@CommandHandler(ArchiveProject)
export class ArchiveProjectHandler implements ICommandHandler<ArchiveProject> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly names: ProjectNames,
  ) {}

  execute(command: ArchiveProject): Promise<CommandAccepted> {
    return run(this.executor, this.names, { type: 'ArchiveProject', projectId: command.projectId });
  }
}

export const PROJECT_COMMAND_HANDLERS = [CreateProjectHandler, RenameProjectHandler, ArchiveProjectHandler];
