import { LOG_PAGE_MAX, type LogEntryView, type LogPage, type LogQuery } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThanOrEqual, Not, type Repository, type SelectQueryBuilder } from 'typeorm';
import { cursorFor, encodeCursor, orderOf } from './log-cursor';
import { LogEntryRecord } from './log-entry.entity';
import { LOCAL_MODELS, type LocalModels } from '../providers/provider-registry';
import { whereKeyword } from './log-search';
import { logsProjection } from './logs.projection';

/** Ids per IN list: under SQLite's bound-parameter limit with room for the other conditions. */
const IDS_PER_READ = 500;

const toView = (row: LogEntryRecord): LogEntryView => ({
  id: row.id,
  kind: row.kind,
  projectId: row.projectId,
  runId: row.runId,
  workflow: row.workflow,
  turnId: row.turnId,
  index: row.index,
  agent: row.agent,
  agentKind: row.agentKind,
  role: row.role,
  step: row.step,
  iteration: row.iteration,
  source: row.source,
  provider: row.provider,
  model: row.model,
  parameters: row.parameters,
  content: row.content,
  finishReason: row.finishReason,
  usage: row.usage,
  latencyMs: row.latencyMs,
  terminationReason: row.terminationReason,
  annotated: Boolean(row.annotated),
  createdAt: row.createdAt,
});

/** The only code that reads `log_entries`: the explorer's filters, sorts and keyset pages. */
@Injectable()
export class LogsReadModel {
  constructor(
    @InjectRepository(LogEntryRecord) private readonly entries: Repository<LogEntryRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(LOCAL_MODELS) private readonly localModels?: LocalModels,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, logsProjection.name);
  }

  async page(projectId: string, query: LogQuery): Promise<LogPage> {
    const limit = Math.min(query.limit ?? 50, LOG_PAGE_MAX);
    const order = orderOf(query);
    const qb = this.entries.createQueryBuilder('e').where('e.projectId = :projectId', { projectId });
    const position = this.filter(qb, query, await this.modelsNamed(projectId, query.model));
    const key = order.column === 'position' ? position : order.column === 'createdAt' ? 'e.createdAt' : `COALESCE(e.${order.column}, -1)`;
    const dir = order.descending ? 'DESC' : 'ASC';
    if (query.after) {
      const cursor = cursorFor(order, query.after);
      const op = order.descending ? '<' : '>';
      if (order.column === 'position') qb.andWhere(`${position} ${op} :position`, { position: cursor.position });
      else qb.andWhere(`(${key} ${op} :key OR (${key} = :key AND ${position} ${op} :position))`, cursor);
    }
    qb.orderBy(key, dir);
    if (order.column !== 'position') qb.addOrderBy(position, dir);
    const rows = await qb.limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const lastKey = (row: LogEntryRecord) => (order.column === 'createdAt' ? row.createdAt : Number(row[order.column] ?? -1));
    const next = rows.length > limit && last ? encodeCursor({ key: lastKey(last), position: last.position }) : null;
    return { entries: page.map(toView), next };
  }

  async get(projectId: string, entryId: string): Promise<LogEntryView | null> {
    const row = await this.entries.findOneBy({ id: entryId, projectId });
    return row ? toView(row) : null;
  }

  /** A run's entries in the order they were recorded; only those recorded up to `upTo` (a log position) when given. */
  async ofRun(projectId: string, runId: string, upTo?: number): Promise<LogEntryView[]> {
    const rows = await this.entries.find({
      where: { projectId, runId, ...(upTo === undefined ? {} : { position: LessThanOrEqual(upTo) }) },
      order: { position: 'ASC', id: 'ASC' },
    });
    return rows.map(toView);
  }

  /** The entries of these ids that belong to the project (any order; unknown ids are left out), read in a few IN lists by primary key. */
  async byIds(projectId: string, ids: readonly string[]): Promise<LogEntryView[]> {
    const unique = [...new Set(ids)];
    const rows: LogEntryRecord[] = [];
    for (let at = 0; at < unique.length; at += IDS_PER_READ) rows.push(...(await this.entries.findBy({ id: In(unique.slice(at, at + IDS_PER_READ)), projectId })));
    return rows.map(toView);
  }

  /** The entries of these runs that belong to a turn (the turns and their alternatives), in the order recorded per run. */
  async turnEntriesOf(projectId: string, runIds: readonly string[]): Promise<LogEntryView[]> {
    const unique = [...new Set(runIds)];
    const rows: LogEntryRecord[] = [];
    for (let at = 0; at < unique.length; at += IDS_PER_READ) {
      rows.push(...(await this.entries.find({ where: { runId: In(unique.slice(at, at + IDS_PER_READ)), projectId, turnId: Not(IsNull()) }, order: { position: 'ASC', id: 'ASC' } })));
    }
    return rows.map(toView);
  }

  /** The alternatives of one turn (regenerations, a critic's other candidates), in the order recorded. */
  async alternativesOf(projectId: string, runId: string, turnId: string): Promise<LogEntryView[]> {
    const rows = await this.entries.find({ where: { projectId, runId, turnId, kind: 'alternative' }, order: { position: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /**
   * The runs whose agents' answers came from one of these models (the model each entry records),
   * one row per run and agent with its first answer's time, newest first (the model registry's
   * "used by"). `providers` restricts it to entries of those provider ids when given.
   */
  async modelUses(projectId: string, models: readonly string[], limit: number, providers?: readonly string[]): Promise<{ runId: string; workflow: string; agent: string; startedAt: string }[]> {
    if (models.length === 0) return [];
    const qb = this.entries
      .createQueryBuilder('e')
      .select('e.runId', 'runId')
      .addSelect('e.workflow', 'workflow')
      .addSelect('e.agent', 'agent')
      .addSelect('MIN(e.createdAt)', 'startedAt')
      .where('e.projectId = :projectId', { projectId })
      .andWhere('e.model IN (:...models)', { models: [...models] });
    if (providers?.length) qb.andWhere('e.provider IN (:...providers)', { providers: [...providers] });
    const rows = await qb.groupBy('e.runId').addGroupBy('e.workflow').addGroupBy('e.agent').orderBy('"startedAt"', 'DESC').addOrderBy('e.runId', 'ASC').limit(limit).getRawMany<{ runId: string; workflow: string; agent: string; startedAt: string }>();
    return rows.map((r) => ({ runId: r.runId, workflow: r.workflow, agent: r.agent, startedAt: String(r.startedAt) }));
  }

  /**
   * What a `model` filter matches: the name as given and, for a local model, the id it names in the
   * project (by name, id or tag). Entries record the model that answered: a local model's id (a
   * trained model's name is not unique over time, its id is), a remote provider's model name.
   */
  private async modelsNamed(projectId: string, model: string | undefined): Promise<string[] | undefined> {
    if (model === undefined) return undefined;
    const id = this.localModels ? await this.localModels.resolve(projectId, model) : null;
    return id && id !== model ? [model, id] : [model];
  }

  /** Adds the query's filters; returns the expression to order and page by position with (see whereKeyword). */
  private filter(qb: SelectQueryBuilder<LogEntryRecord>, query: LogQuery, models: string[] | undefined): string {
    const equal = { workflow: query.workflow, runId: query.runId, agent: query.agent, role: query.role, terminationReason: query.reason };
    for (const [column, value] of Object.entries(equal)) {
      if (value !== undefined) qb.andWhere(`e.${column} = :${column}`, { [column]: value });
    }
    if (models) qb.andWhere('e.model IN (:...models)', { models });
    if (query.annotated !== undefined) qb.andWhere('e.annotated = :annotated', { annotated: query.annotated });
    if (query.from) qb.andWhere('e.createdAt >= :from', { from: new Date(query.from).toISOString() });
    if (query.to) qb.andWhere('e.createdAt < :to', { to: new Date(query.to).toISOString() });
    return query.q?.trim() ? whereKeyword(qb, 'e', query.q.trim()) : 'e.position';
  }
}
