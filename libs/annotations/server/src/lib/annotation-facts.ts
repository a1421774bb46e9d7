import { DomainError, DEFAULT_RATING_SCALE, permissions, type LogEntryView, type ProjectRole } from '@camel/contracts';
import { validateConfigSet } from '@camel/configs';
import { ConfigsReadModel } from '@camel/configs/server';
import { IdentityReadModel } from '@camel/identity/server';
import { isAssigned, requireWritableProject, type QueueFacts, type ValueRules } from '@camel/annotations';
import { ProjectsReadModel } from '@camel/projects/server';
import { can, type Principal } from '@camel/server';
import { LogsReadModel } from '@camel/workflows/server';
import { Injectable } from '@nestjs/common';
import type { QueueItemRecord, QueueRecord } from './annotation.entities';
import { AnnotationsReadModel } from './annotations.read-model';

/** Who acts on annotations: their id, their role in the project, and whether they manage annotations there. */
export interface Annotator {
  readonly id: string;
  readonly role: ProjectRole | undefined;
  readonly manages: boolean;
}

export const annotatorOf = (principal: Principal, projectId: string): Annotator => ({
  id: principal.actor.id,
  role: principal.roles.get(projectId),
  manages: can(principal, permissions.manageAnnotation, projectId),
});

/** The run of a log entry id (`<runId>:<callId>`). */
export const runIdOf = (entryId: string): string => entryId.slice(0, entryId.indexOf(':'));

export const queueNotFound = (queueId: string) => DomainError.notFound('queue.not-found', `annotation queue ${queueId} does not exist`);
export const itemNotFound = (itemId: string) => DomainError.notFound('queue-item.not-found', `queue item ${itemId} does not exist`);

/** Annotators see only queues they are assigned to; everyone else with annotation:read sees every queue. */
export function seesQueue(annotator: Annotator, queue: Pick<QueueRecord, 'assignees'>): boolean {
  return annotator.manages || annotator.role !== 'annotator' || isAssigned(queue, annotator.id, annotator.role);
}

/** May work (answer, reserve, skip) in the queue: assigned annotators, and managers. */
export const worksQueue = (annotator: Annotator, queue: Pick<QueueRecord, 'assignees'>): boolean =>
  annotator.manages || isAssigned(queue, annotator.id, annotator.role);

/** The facts commands are decided on, read from this and other contexts' read models. */
@Injectable()
export class AnnotationFacts {
  constructor(
    private readonly annotations: AnnotationsReadModel,
    private readonly logs: LogsReadModel,
    private readonly identity: IdentityReadModel,
    private readonly configs: ConfigsReadModel,
    private readonly projects: ProjectsReadModel,
  ) {}

  /** Every write starts here: an archived project is read-only. */
  async writable(projectId: string): Promise<void> {
    requireWritableProject(await this.projects.standing(projectId), projectId);
  }

  async entry(projectId: string, entryId: unknown, field = 'entryId'): Promise<LogEntryView> {
    const entry = typeof entryId === 'string' ? await this.logs.get(projectId, entryId) : null;
    if (!entry) throw DomainError.validation('annotation.entry.unknown', field, `${field}: no log entry ${String(entryId)} in this project`);
    return entry;
  }

  /** The other entries of the entry's turn (the turn's own answer and its alternatives). */
  async alternativesOf(entry: LogEntryView): Promise<string[]> {
    if (entry.turnId === null) return [];
    const alternatives = await this.logs.alternativesOf(entry.projectId, entry.runId, entry.turnId);
    return [`${entry.runId}:${entry.turnId}`, ...alternatives.map((a) => a.id)].filter((id) => id !== entry.id);
  }

  /**
   * What a value is checked against. Given the value, only what it uses is read: the label set when
   * it has tags, the turn's alternatives when it has a preference (the rest is never consulted).
   * `entry` may be an id of an entry known to exist (a queue item's): it is read only when needed.
   */
  async rules(projectId: string, entry: LogEntryView | string, queue?: QueueRecord, item?: QueueItemRecord, value?: unknown): Promise<ValueRules> {
    const uses = (member: string) => value === undefined || (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[member] != null);
    const [labels, alternatives] = await Promise.all([
      uses('tags') ? this.annotations.labelSet(projectId) : Promise.resolve([]),
      uses('preference') ? this.alternativesOf(typeof entry === 'string' ? await this.entry(projectId, entry) : entry) : Promise.resolve([]),
    ]);
    return {
      labels: labels.map((l) => l.name),
      ratingScale: queue?.ratingScale ?? DEFAULT_RATING_SCALE,
      alternatives,
      pairwiseWith: item?.alternativeEntryId ?? null,
    };
  }

  async queueFacts(projectId: string): Promise<QueueFacts> {
    const [members, latest] = await Promise.all([this.identity.members(projectId), this.configs.latest(projectId)]);
    const valid = latest.version > 0 ? validateConfigSet(latest.files) : null;
    return {
      members: Object.fromEntries(members.map((m) => [m.userId, m.role])),
      agents: valid?.ok ? valid.value.agents.agents.map((a) => a.name) : [],
    };
  }

  /** The queue as the annotator may see it (404 otherwise). */
  async visibleQueue(projectId: string, queueId: string, annotator: Annotator): Promise<QueueRecord> {
    const queue = await this.annotations.queue(projectId, queueId);
    if (!queue || !seesQueue(annotator, queue)) throw queueNotFound(queueId);
    return queue;
  }

  /** The queue and item the annotator may work on (404 when they may not see it, 403 when they may see but not work it). */
  async workableItem(projectId: string, queueId: string, itemId: string, annotator: Annotator): Promise<{ queue: QueueRecord; item: QueueItemRecord }> {
    await this.writable(projectId);
    const queue = await this.visibleQueue(projectId, queueId, annotator);
    if (!worksQueue(annotator, queue)) throw DomainError.forbidden('queue.not-assigned', 'you are not assigned to this queue');
    const item = await this.annotations.item(queueId, itemId);
    if (!item) throw itemNotFound(itemId);
    return { queue, item };
  }
}
