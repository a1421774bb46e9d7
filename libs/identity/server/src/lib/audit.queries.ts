import { auditNameKey, auditNameKeys, type AuditEntry, type AuditPage, type AuditQuery, type AuditVerifyResult } from '@camel/contracts';
import { createCheckpoint, verifyCheckpoint, type CheckpointReport, type EventStore, type LogCheckpoint, type VerifyReport } from '@camel/event-store';
import type { Clock } from '@camel/kernel';
import { APP_CONFIG, type AppConfig, CLOCK, ConfigError, EVENT_STORE, logKeySpec, resolveKey } from '@camel/server';
import { DomainError } from '@camel/contracts';
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectsReadModel } from '@camel/projects/server';
import { AuditReadModel } from './audit.read-model';
import { IdentityReadModel } from './identity.read-model';

/** The first broken link in log order, over every broken stream. */
export function toVerifyResult(reports: readonly VerifyReport[], now: Date): AuditVerifyResult {
  const failures = reports.flatMap((report) => report.failures).sort((a, b) => a.position - b.position);
  const first = failures[0];
  return {
    ok: failures.length === 0,
    eventsChecked: reports.reduce((sum, r) => sum + r.eventsChecked, 0),
    streamsChecked: reports.reduce((sum, r) => sum + r.streamsChecked, 0),
    firstBroken: first ? { streamId: first.streamId, streamVersion: first.streamVersion, position: first.position, reason: first.reason } : null,
    brokenStreams: failures.length,
    checkedAt: now.toISOString(),
    keyed: reports.length > 0 && reports.every((r) => r.keyed === true),
    unkeyedEvents: reports.reduce((sum, r) => sum + (r.unkeyedEvents ?? 0), 0),
  };
}

export interface VerifyOutcome {
  readonly result: AuditVerifyResult;
  readonly checkpoint?: CheckpointReport;
  /** Every broken link (the CLI lists them all). */
  readonly reports: readonly VerifyReport[];
}

/**
 * Recomputes the hash chains: of the whole log, of one stream, or of a project's streams. A read of
 * the log itself (the one query that must not trust a read model).
 */
export class VerifyEventLog extends Query<VerifyOutcome> {
  constructor(readonly scope: { readonly streamId?: string; readonly projectId?: string; readonly checkpoint?: unknown } = {}) {
    super();
  }
}

/** The checkpoint key, from outside the database; a missing one is the operator's to fix, named. */
function logKey(config: AppConfig): string {
  return logKeys(config)[0];
}

/** LOG_SIGNING_KEY, then LOG_SIGNING_KEY_PREVIOUS: a checkpoint signed before a rotation still verifies. */
function logKeys(config: AppConfig): readonly string[] {
  try {
    return [resolveKey(logKeySpec(config)).secret, ...config.logSigningKeysPrevious];
  } catch (error) {
    if (error instanceof ConfigError) throw DomainError.conflict('audit.log-key-missing', error.problems.join('; '));
    throw error;
  }
}

/** Signs a checkpoint of the whole log for an auditor to keep outside the database. */
export class CreateLogCheckpoint extends Query<LogCheckpoint> {}

@QueryHandler(CreateLogCheckpoint)
export class CreateLogCheckpointHandler implements IQueryHandler<CreateLogCheckpoint> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute(): Promise<LogCheckpoint> {
    return createCheckpoint(this.store, logKey(this.config), this.clock.now());
  }
}

@QueryHandler(VerifyEventLog)
export class VerifyEventLogHandler implements IQueryHandler<VerifyEventLog> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditReadModel,
  ) {}

  async execute({ scope }: VerifyEventLog): Promise<VerifyOutcome> {
    // A checkpoint first: where it says the keyed log starts, every event must still carry a keyed hash.
    const checkpoint = scope.checkpoint === undefined ? undefined : await verifyCheckpoint(this.store, scope.checkpoint, logKeys(this.config));
    const keyedSince = checkpoint?.keyedSince ?? null;
    const reports: VerifyReport[] = [];
    if (scope.projectId) {
      for (const streamId of await this.audit.projectStreams(scope.projectId)) reports.push(await this.store.verify({ streamId, keyedSince }));
    } else {
      reports.push(await this.store.verify({ ...(scope.streamId ? { streamId: scope.streamId } : {}), keyedSince }));
    }
    const result = toVerifyResult(reports, this.clock.now());
    if (!checkpoint) return { result, reports };
    return { result: { ...result, ok: result.ok && checkpoint.ok, checkpoint }, reports, checkpoint };
  }
}

/** Newest first; `projects` narrows to those projects ('all' for owners). */
export class ListAuditEntries extends Query<AuditPage> {
  constructor(
    readonly filter: AuditQuery,
    readonly projects: 'all' | readonly string[],
  ) {
    super();
  }
}

@QueryHandler(ListAuditEntries)
export class ListAuditEntriesHandler implements IQueryHandler<ListAuditEntries> {
  constructor(
    private readonly audit: AuditReadModel,
    private readonly identity: IdentityReadModel,
    private readonly projects: ProjectsReadModel,
  ) {}

  async execute({ filter, projects }: ListAuditEntries): Promise<AuditPage> {
    const page = await this.audit.page(filter, projects);
    return { ...page, names: await this.namesOf(page.entries) };
  }

  /** The names the page shows instead of ids (`auditNameKeys`), read now: a renamed user shows its current name. */
  private async namesOf(entries: readonly AuditEntry[]): Promise<Record<string, string>> {
    const ids = { user: new Set<string>(), 'api-key': new Set<string>(), project: new Set<string>() };
    for (const key of new Set(entries.flatMap(auditNameKeys))) {
      const at = key.indexOf(':');
      ids[key.slice(0, at) as keyof typeof ids].add(key.slice(at + 1));
    }
    const [{ users, apiKeys }, projectNames] = await Promise.all([
      this.identity.namesOf([...ids.user], [...ids['api-key']]),
      this.projects.names([...ids.project]),
    ]);
    const names: Record<string, string> = {};
    for (const [id, name] of users) names[auditNameKey('user', id)] = name;
    for (const [id, name] of apiKeys) names[auditNameKey('api-key', id)] = name;
    for (const [id, name] of projectNames) names[auditNameKey('project', id)] = name;
    return names;
  }
}

export const AUDIT_QUERY_HANDLERS = [VerifyEventLogHandler, CreateLogCheckpointHandler, ListAuditEntriesHandler];
