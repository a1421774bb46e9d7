import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectRecord } from './project.entity';
import { ProjectNames } from './project-names';
import { PROJECT_COMMAND_HANDLERS } from './projects.commands';
import { ProjectsController } from './projects.controller';
import { PROJECT_QUERY_HANDLERS } from './projects.queries';
import { ProjectsReadModel } from './projects.read-model';

/** Projects: create, rename, archive, list. Other contexts import it for ProjectsReadModel. */
@Module({
  imports: [TypeOrmModule.forFeature([ProjectRecord])],
  controllers: [ProjectsController],
  providers: [CommandExecutor, ProjectNames.provider, ProjectsReadModel, ...PROJECT_COMMAND_HANDLERS, ...PROJECT_QUERY_HANDLERS],
  exports: [ProjectsReadModel],
})
export class ProjectsModule {}
