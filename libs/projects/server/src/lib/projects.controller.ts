import { permissions, READ_POSITION_HEADER, type CommandAccepted, type ProjectList, type ProjectView } from '@camel/contracts';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ArchiveProject, CreateProject, RenameProject } from './projects.commands';
import { CreateProjectDto, ListProjectsQueryDto, ProjectViewDto, RenameProjectDto } from './projects.dto';
import { GetProject, ListProjects } from './projects.queries';
import { ApiErrorDto, Authenticated, CommandAcceptedDto, CurrentPrincipal, type Principal, projectsWith, RequiresInstallation, RequiresProject, uuidParam } from '@camel/server';

const projectId = uuidParam('id');

/** Controllers only dispatch: commands to the CommandBus, reads to the QueryBus. */
@ApiTags('projects')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input; `fields` names each offending field' })
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresInstallation(permissions.createProject)
  @ApiOperation({ summary: 'Create a project' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  create(@Body() body: CreateProjectDto): Promise<CommandAccepted> {
    return this.commands.execute(new CreateProject(body.name, body.description));
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List the projects you may read (owners: all)' })
  @ApiOkResponse({
    type: [ProjectViewDto],
    headers: {
      [READ_POSITION_HEADER]: {
        description: 'Checkpoint of the read model: follow the `Project` event family on the gateway from here',
        schema: { type: 'integer' },
      },
    },
  })
  async list(
    @Query() query: ListProjectsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<ProjectView[]> {
    const list: ProjectList = await this.queries.execute(new ListProjects(query.status ?? 'active', projectsWith(principal, permissions.readProject)));
    response.setHeader(READ_POSITION_HEADER, String(list.position));
    return list.projects;
  }

  @Get(':id')
  @RequiresProject(permissions.readProject)
  @ApiOperation({ summary: 'Get one project' })
  @ApiOkResponse({ type: ProjectViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Param('id', projectId) id: string): Promise<ProjectView> {
    return this.queries.execute(new GetProject(id));
  }

  @Patch(':id')
  @RequiresProject(permissions.updateProject)
  @ApiOperation({ summary: 'Rename a project' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The project is archived' })
  rename(@Param('id', projectId) id: string, @Body() body: RenameProjectDto): Promise<CommandAccepted> {
    return this.commands.execute(new RenameProject(id, body.name));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @RequiresProject(permissions.archiveProject)
  @ApiOperation({ summary: 'Archive a project (it becomes read-only)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The project is already archived' })
  archive(@Param('id', projectId) id: string): Promise<CommandAccepted> {
    return this.commands.execute(new ArchiveProject(id));
  }
}
