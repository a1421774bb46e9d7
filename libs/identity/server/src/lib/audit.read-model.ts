import { auditExcludePatterns, type AuditEntry, type AuditPage, type AuditQuery } from '@camel/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditEntryRecord } from './audit-entry.entity';

const DEFAULT_LIMIT = 100;

const toEntry = (row: AuditEntryRecord): AuditEntry => ({
  position: Number(row.position),
  eventId: row.eventId,
  type: row.type,
  streamId: row.streamId,
  streamVersion: Number(row.streamVersion),
  projectId: row.projectId,
  actor: { type: row.actorType, id: row.actorId },
  requestId: row.requestId,
  correlationId: row.correlationId,
  time: row.time,
});

/** The only code that reads `audit_log`. */
@Injectable()
export class AuditReadModel {
  constructor(@InjectRepository(AuditEntryRecord) private readonly entries: Repository<AuditEntryRecord>) {}

  /**
   * Newest first, a keyset page: `before` is the previous page's last position. `projects` narrows
   * to those projects ('all' = no narrowing, for owners). A `type` (or an `exclude` pattern) ending
   * in `*` is a prefix.
   */
  async page(query: AuditQuery, projects: 'all' | readonly string[]): Promise<Omit<AuditPage, 'names'>> {
    if (projects !== 'all' && projects.length === 0) return { entries: [], nextBefore: null };
    const select = this.entries.createQueryBuilder('a');
    if (projects !== 'all') select.andWhere('a.projectId IN (:...visible)', { visible: [...projects] });
    if (query.projectId) select.andWhere('a.projectId = :projectId', { projectId: query.projectId });
    if (query.actor) {
      const index = query.actor.indexOf(':');
      select.andWhere('a.actorType = :actorType AND a.actorId = :actorId', {
        actorType: query.actor.slice(0, index),
        actorId: query.actor.slice(index + 1),
      });
    }
    if (query.type?.endsWith('*')) select.andWhere('a.type LIKE :typePrefix', { typePrefix: `${query.type.slice(0, -1)}%` });
    else if (query.type) select.andWhere('a.type = :type', { type: query.type });
    auditExcludePatterns(query.exclude).forEach((pattern, index) => {
      if (pattern.endsWith('*')) select.andWhere(`a.type NOT LIKE :exclude${index}`, { [`exclude${index}`]: `${pattern.slice(0, -1)}%` });
      else select.andWhere(`a.type <> :exclude${index}`, { [`exclude${index}`]: pattern });
    });
    if (query.from) select.andWhere('a.time >= :from', { from: new Date(query.from).toISOString() });
    if (query.to) select.andWhere('a.time < :to', { to: new Date(query.to).toISOString() });
    if (query.before) select.andWhere('a.position < :before', { before: query.before });
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await select.orderBy('a.position', 'DESC').limit(limit + 1).getMany();
    const entries = rows.slice(0, limit).map(toEntry);
    return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1].position : null };
  }

  /** Streams that hold events of the project (their chains are what a project admin may verify). */
  async projectStreams(projectId: string): Promise<string[]> {
    const rows = await this.entries
      .createQueryBuilder('a')
      .select('DISTINCT a.streamId', 'streamId')
      .where('a.projectId = :projectId', { projectId })
      .getRawMany<{ streamId: string }>();
    return rows.map((row) => row.streamId);
  }
}
