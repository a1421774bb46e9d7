import { DomainError, type ProjectList, type ProjectStatus, type ProjectView } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { projectsProjection } from './projects.projection';

export class ListProjects extends Query<ProjectList> {
  /** `visible`: the project ids the caller may read, or 'all' (owners). */
  constructor(
    readonly status: ProjectStatus | 'all',
    readonly visible: 'all' | readonly string[] = 'all',
  ) {
    super();
  }
}

export class GetProject extends Query<ProjectView> {
  constructor(readonly projectId: string) {
    super();
  }
}

interface ProjectRow extends Record<string, unknown> {
  id: string;
  name: string;
  description: string;
  status: ProjectStatus;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
}

const PROJECTS_PROJECTION = projectsProjection.name;
const COLUMNS = 'id, name, description, status, version, created_at, updated_at, created_by';

const toView = (row: ProjectRow): ProjectView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  status: row.status,
  version: Number(row.version),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  createdBy: row.created_by,
});

/** Queries read only the `projects` read model, never the event log. */
@QueryHandler(ListProjects)
export class ListProjectsHandler implements IQueryHandler<ListProjects> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: ListProjects): Promise<ProjectList> {
    const position = await readProjectionPosition(this.store.db, PROJECTS_PROJECTION);
    if (query.visible !== 'all' && query.visible.length === 0) return { projects: [], position };
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status !== 'all') {
      params.push(query.status);
      where.push(`status = $1`);
    }
    if (query.visible !== 'all') {
      const first = params.length + 1;
      params.push(...query.visible);
      where.push(`id IN (${query.visible.map((_, i) => `$${first + i}`).join(', ')})`);
    }
    const rows = await this.store.db.query<ProjectRow>(
      `SELECT ${COLUMNS} FROM projects ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
      params,
    );
    return { projects: rows.map(toView), position };
  }
}

@QueryHandler(GetProject)
export class GetProjectHandler implements IQueryHandler<GetProject> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: GetProject): Promise<ProjectView> {
    const rows = await this.store.db.query<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = $1`, [query.projectId]);
    if (!rows[0]) throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    return toView(rows[0]);
  }
}

export const PROJECT_QUERY_HANDLERS = [ListProjectsHandler, GetProjectHandler];
