import { DomainError, RUN_STREAM_TYPE, runStreamId, type CommandAccepted, type RunOverrides } from '@camel/contracts';
import { ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor, currentRequestContext, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { resolveRunPlan, runDecider, type RunCommand } from '@camel/workflows';
import { ProviderRegistry } from '../providers';
import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RunConfigs } from './run-config';
import { RUN_QUEUE, type RunQueue } from './run-queue';
import { RunsReadModel } from './runs.read-model';

export class StartRun extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly workflow: string,
    readonly configVersion?: number,
    readonly overrides?: unknown,
  ) {
    super();
  }
}

/** A past run again: the same config version, workflow and overrides (so the same task). */
export class RerunRun extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly runId: string) {
    super();
  }
}

export type RunControl = 'pause' | 'resume' | 'step' | 'cancel' | 'retry';

export class ControlRun extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly runId: string, readonly control: RunControl) {
    super();
  }
}

export class SubmitHumanTurn extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly runId: string, readonly agent: string, readonly content: string) {
    super();
  }
}

export class ChooseCandidate extends Command<CommandAccepted> {
  constructor(readonly projectId: string, readonly runId: string, readonly candidate: number) {
    super();
  }
}

export class RegenerateTurn extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly runId: string,
    readonly turnId: string,
    readonly change: { readonly provider?: string; readonly model?: string; readonly parameters?: unknown },
  ) {
    super();
  }
}

export const runNotFound = (runId: string) => DomainError.notFound('run.not-found', `run ${runId} does not exist`);

const actorName = () => {
  const { actor } = currentRequestContext();
  return `${actor.type}:${actor.id}`;
};

/** Every run command's one path: decide on the run's stream, then hand the run to the queue. */
@Injectable()
export class RunCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly runs: RunsReadModel,
    @Inject(RUN_QUEUE) private readonly queue: RunQueue,
  ) {}

  async run(projectId: string, command: RunCommand): Promise<CommandAccepted> {
    // A run of another project does not exist for this one (the route's project was checked by the guard).
    if (command.type !== 'StartRun' && !(await this.runs.get(projectId, command.runId))) throw runNotFound(command.runId);
    const outcome = await this.executor.execute(runDecider, { streamId: runStreamId(command.runId), streamType: RUN_STREAM_TYPE, projectId, command });
    await this.queue.enqueue(command.runId);
    return { id: command.runId, version: outcome.version, position: outcome.position };
  }
}

@CommandHandler(StartRun)
export class StartRunHandler implements ICommandHandler<StartRun> {
  constructor(
    private readonly commands: RunCommands,
    private readonly configs: RunConfigs,
    private readonly projects: ProjectsReadModel,
    private readonly providers: ProviderRegistry,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, workflow, configVersion, overrides }: StartRun): Promise<CommandAccepted> {
    const projectStatus = await this.projects.standing(projectId);
    const pinned = await this.configs.pinned(projectId, configVersion);
    // The registry's answer for the local agents' models, pinned by the decider (which refuses one that does not resolve).
    const localModels = await this.providers.localModels(pinned.config, resolveRunPlan(pinned.config, workflow, overrides).plan, projectId);
    const runId = this.newId();
    return this.commands.run(projectId, { type: 'StartRun', runId, projectId, workflow, configVersion: pinned.version, config: pinned.config, projectStatus, overrides, localModels });
  }
}

@CommandHandler(RerunRun)
export class RerunRunHandler implements ICommandHandler<RerunRun> {
  constructor(
    private readonly runs: RunsReadModel,
    private readonly start: StartRunHandler,
  ) {}

  async execute({ projectId, runId }: RerunRun): Promise<CommandAccepted> {
    const past = await this.runs.state(projectId, runId);
    if (!past) throw runNotFound(runId);
    return this.start.execute(new StartRun(projectId, past.workflow, past.configVersion, past.overrides as RunOverrides));
  }
}

@CommandHandler(ControlRun)
export class ControlRunHandler implements ICommandHandler<ControlRun> {
  constructor(private readonly commands: RunCommands) {}

  execute({ projectId, runId, control }: ControlRun): Promise<CommandAccepted> {
    const type = ({ pause: 'PauseRun', resume: 'ResumeRun', step: 'StepRun', cancel: 'CancelRun', retry: 'RetryRun' } as const)[control];
    return this.commands.run(projectId, { type, runId } as RunCommand);
  }
}

@CommandHandler(SubmitHumanTurn)
export class SubmitHumanTurnHandler implements ICommandHandler<SubmitHumanTurn> {
  constructor(
    private readonly commands: RunCommands,
    private readonly runs: RunsReadModel,
  ) {}

  async execute({ projectId, runId, agent, content }: SubmitHumanTurn): Promise<CommandAccepted> {
    const run = await this.runs.get(projectId, runId);
    const turnId = run?.awaiting?.input === 'turn' ? run.awaiting.turnId : '';
    return this.commands.run(projectId, { type: 'SubmitHumanTurn', runId, turnId, agent, content, submittedBy: actorName() });
  }
}

@CommandHandler(ChooseCandidate)
export class ChooseCandidateHandler implements ICommandHandler<ChooseCandidate> {
  constructor(
    private readonly commands: RunCommands,
    private readonly runs: RunsReadModel,
  ) {}

  async execute({ projectId, runId, candidate }: ChooseCandidate): Promise<CommandAccepted> {
    const run = await this.runs.get(projectId, runId);
    const turnId = run?.awaiting?.input === 'choice' ? run.awaiting.turnId : '';
    return this.commands.run(projectId, { type: 'ChooseCandidate', runId, turnId, candidate, chosenBy: actorName() });
  }
}

@CommandHandler(RegenerateTurn)
export class RegenerateTurnHandler implements ICommandHandler<RegenerateTurn> {
  constructor(
    private readonly commands: RunCommands,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, runId, turnId, change }: RegenerateTurn): Promise<CommandAccepted> {
    const alternativeId = this.newId();
    const accepted = await this.commands.run(projectId, { type: 'RegenerateTurn', runId, alternativeId, turnId, ...change });
    return { ...accepted, id: alternativeId };
  }
}

export const RUN_COMMAND_HANDLERS = [
  RunCommands,
  StartRunHandler,
  RerunRunHandler,
  ControlRunHandler,
  SubmitHumanTurnHandler,
  ChooseCandidateHandler,
  RegenerateTurnHandler,
];
