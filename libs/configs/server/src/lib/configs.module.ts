import { ProjectsModule } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigVersionRecord } from './config-version.entity';
import { CONFIG_COMMAND_HANDLERS } from './configs.commands';
import { ConfigsController } from './configs.controller';
import { CONFIG_QUERY_HANDLERS } from './configs.queries';
import { ConfigsReadModel } from './configs.read-model';
import { SampleConfigs } from './sample-configs';

/** A project's versioned config set: save, restore, import/export, history, diff, validation. */
@Module({
  imports: [TypeOrmModule.forFeature([ConfigVersionRecord]), ProjectsModule],
  controllers: [ConfigsController],
  providers: [CommandExecutor, ConfigsReadModel, SampleConfigs, ...CONFIG_COMMAND_HANDLERS, ...CONFIG_QUERY_HANDLERS],
  exports: [ConfigsReadModel, SampleConfigs],
})
export class ConfigsModule {}
