import type { ProjectStatus, ProjectView } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { projectNameKey } from '@camel/projects';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ProjectRecord } from './project.entity';
import { projectsProjection } from './projects.projection';

const toView = (row: ProjectRecord): ProjectView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  status: row.status,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  createdBy: row.createdBy,
});

/** Where a project stands, as a command that touches it must know (cross-aggregate fact). */
export type ProjectStanding = ProjectStatus | 'none';

/** The only code that reads the `projects` table; other contexts ask it, never the table. */
@Injectable()
export class ProjectsReadModel {
  constructor(
    @InjectRepository(ProjectRecord) private readonly projects: Repository<ProjectRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The checkpoint to follow the log from; read it before the rows (they then reflect at least it). */
  position(): Promise<number> {
    return readProjectionPosition(this.store.db, projectsProjection.name);
  }

  async list(status: ProjectStatus | 'all', visible: 'all' | readonly string[]): Promise<ProjectView[]> {
    if (visible !== 'all' && visible.length === 0) return [];
    const rows = await this.projects.find({
      where: { ...(status === 'all' ? {} : { status }), ...(visible === 'all' ? {} : { id: In([...visible]) }) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toView);
  }

  async get(projectId: string): Promise<ProjectView | null> {
    const row = await this.projects.findOneBy({ id: projectId });
    return row ? toView(row) : null;
  }

  async standing(projectId: string): Promise<ProjectStanding> {
    const row = await this.projects.findOne({ where: { id: projectId }, select: { status: true } });
    return row?.status ?? 'none';
  }

  /**
   * The active project called `name` (compared by `projectNameKey`: trimmed, case-insensitive), if
   * any. Read for a command's uniqueness check; two creations at the same instant can both pass it.
   */
  async activeProjectNamed(name: unknown): Promise<string | null> {
    if (typeof name !== 'string') return null;
    const key = projectNameKey(name);
    const rows = await this.projects.find({ where: { status: 'active' }, select: { id: true, name: true } });
    return rows.find((row) => projectNameKey(row.name) === key)?.id ?? null;
  }

  /** Names of the given projects that exist (id → name). */
  async names(projectIds: readonly string[]): Promise<Map<string, string>> {
    if (projectIds.length === 0) return new Map();
    const rows = await this.projects.find({ where: { id: In([...projectIds]) }, select: { id: true, name: true } });
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  count(): Promise<number> {
    return this.projects.count();
  }
}
