import { DomainError, runStreamId, type LogEntryDetail, type LogEntryView, type LogPage, type LogQuery, type RunList, type RunListQuery, type RunPreflight, type RunReplay, type RunView } from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { isRun, promptOfRun, rebuildPrompt, resolveRunPlan, runStateAt } from '@camel/workflows';
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LogsReadModel } from '../logs/logs.read-model';
import { localModelProblems, ProviderRegistry } from '../providers';
import { RunConfigs } from './run-config';
import { runView } from './run-view';
import { runNotFound } from './runs.commands';
import { RunsReadModel } from './runs.read-model';

export class ListRuns extends Query<RunList> {
  constructor(readonly projectId: string, readonly filter: RunListQuery = {}) {
    super();
  }
}

export class GetRun extends Query<RunView> {
  constructor(readonly projectId: string, readonly runId: string) {
    super();
  }
}

export class ListRunEntries extends Query<LogEntryView[]> {
  constructor(readonly projectId: string, readonly runId: string) {
    super();
  }
}

/** What would stop a run from starting (nothing is recorded). */
export class PreflightRun extends Query<RunPreflight> {
  constructor(readonly projectId: string, readonly workflow: string, readonly configVersion?: number, readonly overrides?: unknown) {
    super();
  }
}

export class ReplayRun extends Query<RunReplay> {
  constructor(readonly projectId: string, readonly runId: string, readonly count?: number) {
    super();
  }
}

export class ListLogEntries extends Query<LogPage> {
  constructor(readonly projectId: string, readonly query: LogQuery) {
    super();
  }
}

export class GetLogEntry extends Query<LogEntryDetail> {
  constructor(readonly projectId: string, readonly entryId: string) {
    super();
  }
}

/** The lower of the runs and logs checkpoints: both read models reflect at least everything up to it. */
export class RunsReadPosition extends Query<number> {}

@QueryHandler(RunsReadPosition)
export class RunsReadPositionHandler implements IQueryHandler<RunsReadPosition> {
  constructor(
    private readonly runs: RunsReadModel,
    private readonly logs: LogsReadModel,
  ) {}
  async execute(): Promise<number> {
    const [runs, logs] = await Promise.all([this.runs.position(), this.logs.position()]);
    return Math.min(runs, logs);
  }
}

@QueryHandler(ListRuns)
export class ListRunsHandler implements IQueryHandler<ListRuns> {
  constructor(private readonly runs: RunsReadModel) {}
  async execute({ projectId, filter }: ListRuns): Promise<RunList> {
    const position = await this.runs.position();
    return { runs: await this.runs.list(projectId, filter), position };
  }
}

@QueryHandler(GetRun)
export class GetRunHandler implements IQueryHandler<GetRun> {
  constructor(private readonly runs: RunsReadModel) {}
  async execute({ projectId, runId }: GetRun): Promise<RunView> {
    const run = await this.runs.get(projectId, runId);
    if (!run) throw runNotFound(runId);
    return run;
  }
}

@QueryHandler(ListRunEntries)
export class ListRunEntriesHandler implements IQueryHandler<ListRunEntries> {
  constructor(
    private readonly runs: RunsReadModel,
    private readonly logs: LogsReadModel,
  ) {}
  async execute({ projectId, runId }: ListRunEntries): Promise<LogEntryView[]> {
    if (!(await this.runs.get(projectId, runId))) throw runNotFound(runId);
    return this.logs.ofRun(projectId, runId);
  }
}

@QueryHandler(PreflightRun)
export class PreflightRunHandler implements IQueryHandler<PreflightRun> {
  constructor(
    private readonly configs: RunConfigs,
    private readonly registry: ProviderRegistry,
  ) {}
  async execute({ projectId, workflow, configVersion, overrides }: PreflightRun): Promise<RunPreflight> {
    const pinned = await this.configs.pinned(projectId, configVersion);
    const file = Object.values(pinned.config.workflows).find((w) => w.name === workflow);
    if (!file) throw DomainError.validation('run.workflow.unknown', 'workflow', `workflow ${workflow} is not in config version ${pinned.version}`);
    const run = resolveRunPlan(pinned.config, workflow, overrides); // overrides that do not fit are a 400 naming the key
    const resolved = await this.registry.localModels(pinned.config, run.plan, projectId);
    const problems = [...this.registry.preflight(pinned.config, file), ...localModelProblems(pinned.config, run.plan, run.overrides, resolved)];
    return { ok: problems.length === 0, configVersion: pinned.version, problems };
  }
}

@QueryHandler(ReplayRun)
export class ReplayRunHandler implements IQueryHandler<ReplayRun> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runs: RunsReadModel,
    private readonly logs: LogsReadModel,
  ) {}
  async execute({ projectId, runId, count }: ReplayRun): Promise<RunReplay> {
    if (!(await this.runs.get(projectId, runId))) throw runNotFound(runId);
    const events = await this.store.readStream(runStreamId(runId));
    const total = events.length;
    const at = count ?? total;
    if (!Number.isInteger(at) || at < 1 || at > total) throw DomainError.validation('run.replay.count', 'count', `count must be between 1 and ${total}`);
    const state = runStateAt(events, { count: at });
    if (!isRun(state)) throw runNotFound(runId);
    const event = events[at - 1];
    const first = events[0];
    const view = runView(state, {
      version: event.streamVersion,
      createdAt: first.metadata.time,
      updatedAt: event.metadata.time,
      createdBy: `${first.metadata.actor.type}:${first.metadata.actor.id}`,
    });
    const entries = (await this.logs.ofRun(projectId, runId, event.position)).map((entry) => ({ ...entry, terminationReason: state.terminationReason }));
    return { count: at, total, event: { type: event.type, time: event.metadata.time, position: event.position }, run: view, entries };
  }
}

@QueryHandler(ListLogEntries)
export class ListLogEntriesHandler implements IQueryHandler<ListLogEntries> {
  constructor(private readonly logs: LogsReadModel) {}
  execute({ projectId, query }: ListLogEntries): Promise<LogPage> {
    return this.logs.page(projectId, query);
  }
}

@QueryHandler(GetLogEntry)
export class GetLogEntryHandler implements IQueryHandler<GetLogEntry> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly logs: LogsReadModel,
    private readonly runs: RunsReadModel,
  ) {}
  async execute({ projectId, entryId }: GetLogEntry): Promise<LogEntryDetail> {
    const entry = await this.logs.get(projectId, entryId);
    if (!entry) throw DomainError.notFound('log.entry.not-found', `log entry ${entryId} does not exist`);
    const callId = entryId.slice(entry.runId.length + 1);
    const [state, alternatives] = await Promise.all([
      this.runs.state(projectId, entry.runId),
      entry.kind === 'turn' && entry.turnId ? this.logs.alternativesOf(projectId, entry.runId, entry.turnId) : Promise.resolve([]),
    ]);
    // The prompt from the runs read model's folded state (one row by its key); the run's stream
    // only when that state does not hold the call yet (the runs projection behind the logs one).
    const prompt = (state && promptOfRun(state, callId)) ?? rebuildPrompt(await this.store.readStream(runStreamId(entry.runId)), callId);
    return { ...entry, prompt: prompt?.messages ?? [], promptSha256: prompt?.recordedSha256 ?? '', alternatives };
  }
}

export const RUN_QUERY_HANDLERS = [
  RunsReadPositionHandler,
  ListRunsHandler,
  GetRunHandler,
  ListRunEntriesHandler,
  PreflightRunHandler,
  ReplayRunHandler,
  ListLogEntriesHandler,
  GetLogEntryHandler,
];
