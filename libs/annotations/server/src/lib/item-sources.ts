import { DomainError, LOG_PAGE_MAX, QUEUE_ITEMS_PER_ADD_MAX, type LogEntryView, type QueueItemRef, type QueueItemSource, type QueueKind } from '@camel/contracts';
import { ID_GENERATOR, type IdGenerator } from '@camel/server';
import { validLogFilter } from '@camel/workflows';
import { LogsReadModel } from '@camel/workflows/server';
import { Inject, Injectable } from '@nestjs/common';

type Candidate = Omit<QueueItemRef, 'itemId'>;

const badSource = (field: string, message: string) => DomainError.validation('queue.source.invalid', field, message);

/** The source's shape: exactly one of filter, entryIds, pairs, with the members each allows. */
function validSource(raw: unknown): QueueItemSource {
  const source = raw as Record<string, unknown>;
  const keys = Object.keys(source ?? {});
  if (keys.length !== 1 || !['filter', 'entryIds', 'pairs'].includes(keys[0])) throw badSource('source', 'source must have exactly one of filter, entryIds, pairs');
  const [key] = keys;
  const value = source[key];
  if (key === 'filter') return { filter: validLogFilter(value, 'source.filter', 'queue.source.invalid') };
  if (!Array.isArray(value)) throw badSource(`source.${key}`, `source.${key} must be a list`);
  if (key === 'entryIds') {
    value.forEach((id, index) => {
      if (typeof id !== 'string') throw badSource(`source.entryIds.${index}`, `source.entryIds.${index} must be an entry id`);
    });
    return { entryIds: value as string[] };
  }
  value.forEach((pair, index) => {
    const p = pair as Record<string, unknown> | null;
    if (typeof p?.['entryId'] !== 'string' || typeof p['alternativeEntryId'] !== 'string' || Object.keys(p).length !== 2) {
      throw badSource(`source.pairs.${index}`, `source.pairs.${index} must be { entryId, alternativeEntryId }`);
    }
  });
  return { pairs: value as { entryId: string; alternativeEntryId: string }[] };
}

const tooMany = (field: string) => DomainError.validation('queue.source.too-many', field, `${field}: at most ${QUEUE_ITEMS_PER_ADD_MAX} items per add`);

/**
 * Turns a queue source (a logs filter, entry ids, or entry/alternative pairs) into candidate items
 * with fresh ids, checking every entry belongs to the project. Pairwise items pair a turn with each
 * alternative of it; a turn without alternatives gives none.
 */
@Injectable()
export class ItemSources {
  constructor(
    private readonly logs: LogsReadModel,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async resolve(projectId: string, kind: QueueKind, source: QueueItemSource): Promise<QueueItemRef[]> {
    const candidates = await this.candidates(projectId, kind, source);
    return candidates.map((c) => ({ itemId: this.newId(), ...c }));
  }

  private async candidates(projectId: string, kind: QueueKind, raw: QueueItemSource): Promise<Candidate[]> {
    const source = validSource(raw);
    if ('filter' in source) {
      const entries = await this.filtered(projectId, source.filter);
      return kind === 'single' ? entries.map((e) => ({ entryId: e.id, alternativeEntryId: null })) : this.pairsOf(projectId, entries.filter((e) => e.kind === 'turn'));
    }
    if ('entryIds' in source) {
      if (source.entryIds.length > QUEUE_ITEMS_PER_ADD_MAX) throw tooMany('source.entryIds');
      const entries = await this.existing(projectId, source.entryIds, (index) => `source.entryIds.${index}`);
      return kind === 'single' ? entries.map((e) => ({ entryId: e.id, alternativeEntryId: null })) : this.pairsOf(projectId, entries);
    }
    if (kind !== 'pairwise') throw DomainError.validation('queue.source.pairs', 'source.pairs', 'source.pairs is for pairwise queues');
    if (source.pairs.length > QUEUE_ITEMS_PER_ADD_MAX) throw tooMany('source.pairs');
    const entries = await this.existing(projectId, source.pairs.map((p) => p.entryId), (index) => `source.pairs.${index}.entryId`);
    const alternatives = await this.alternativesByTurn(projectId, entries);
    return source.pairs.map((pair, index) => {
      const entry = entries[index];
      const allowed = alternatives.get(`${entry.runId}:${entry.turnId}`) ?? [];
      if (!allowed.includes(pair.alternativeEntryId) || pair.alternativeEntryId === entry.id) {
        throw DomainError.validation('queue.source.not-an-alternative', `source.pairs.${index}.alternativeEntryId`, `source.pairs.${index}.alternativeEntryId is not an alternative of the entry’s turn`);
      }
      return { entryId: entry.id, alternativeEntryId: pair.alternativeEntryId };
    });
  }

  private async filtered(projectId: string, filter: Extract<QueueItemSource, { filter: unknown }>['filter']): Promise<LogEntryView[]> {
    const entries: LogEntryView[] = [];
    let after: string | undefined;
    do {
      const page = await this.logs.page(projectId, { ...filter, sort: 'oldest', limit: LOG_PAGE_MAX, after });
      entries.push(...page.entries);
      if (entries.length > QUEUE_ITEMS_PER_ADD_MAX) throw tooMany('source.filter');
      after = page.next ?? undefined;
    } while (after);
    return entries;
  }

  /** The entries of the ids, in order (one read per 500 ids, by primary key). */
  private async existing(projectId: string, ids: readonly string[], field: (index: number) => string): Promise<LogEntryView[]> {
    const byId = new Map((await this.logs.byIds(projectId, ids)).map((entry) => [entry.id, entry]));
    return ids.map((id, index) => {
      const entry = byId.get(id);
      if (!entry) throw DomainError.validation('queue.source.unknown-entry', field(index), `${field(index)}: no log entry ${id} in this project`);
      return entry;
    });
  }

  /** Every entry of each turn (its answer and its alternatives), keyed `<runId>:<turnId>`, read for 500 runs at a time. */
  private async alternativesByTurn(projectId: string, entries: readonly LogEntryView[]): Promise<Map<string, string[]>> {
    const byTurn = new Map<string, string[]>();
    for (const entry of await this.logs.turnEntriesOf(projectId, entries.map((e) => e.runId))) {
      const key = `${entry.runId}:${entry.turnId}`;
      byTurn.set(key, [...(byTurn.get(key) ?? []), entry.id]);
    }
    return byTurn;
  }

  private async pairsOf(projectId: string, entries: readonly LogEntryView[]): Promise<Candidate[]> {
    const byTurn = await this.alternativesByTurn(projectId, entries);
    return entries.flatMap((entry) =>
      (byTurn.get(`${entry.runId}:${entry.turnId}`) ?? []).filter((id) => id !== entry.id && entry.kind === 'turn').map((alternativeEntryId) => ({ entryId: entry.id, alternativeEntryId })),
    );
  }
}
