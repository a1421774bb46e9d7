import { DomainError, type ProjectList, type ProjectStatus, type ProjectView } from '@camel/contracts';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectsReadModel } from './projects.read-model';

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

/** Queries read only the `projects` read model, never the event log. */
@QueryHandler(ListProjects)
export class ListProjectsHandler implements IQueryHandler<ListProjects> {
  constructor(private readonly projects: ProjectsReadModel) {}

  async execute(query: ListProjects): Promise<ProjectList> {
    const position = await this.projects.position();
    return { projects: await this.projects.list(query.status, query.visible), position };
  }
}

@QueryHandler(GetProject)
export class GetProjectHandler implements IQueryHandler<GetProject> {
  constructor(private readonly projects: ProjectsReadModel) {}

  async execute(query: GetProject): Promise<ProjectView> {
    const project = await this.projects.get(query.projectId);
    if (!project) throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    return project;
  }
}

export const PROJECT_QUERY_HANDLERS = [ListProjectsHandler, GetProjectHandler];
