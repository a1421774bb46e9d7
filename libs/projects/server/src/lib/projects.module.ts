import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { PROJECT_COMMAND_HANDLERS } from './projects.commands';
import { ProjectsController } from './projects.controller';
import { PROJECT_QUERY_HANDLERS } from './projects.queries';

@Module({
  controllers: [ProjectsController],
  providers: [CommandExecutor, ...PROJECT_COMMAND_HANDLERS, ...PROJECT_QUERY_HANDLERS],
})
export class ProjectsModule {}
