import { ProjectsModule } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DATASET_ENTITIES } from './dataset.entities';
import { DATASET_COMMAND_HANDLERS } from './datasets.commands';
import { DatasetsController } from './datasets.controller';
import { DATASET_QUERY_HANDLERS } from './datasets.queries';
import { DatasetsReadModel } from './datasets.read-model';

/** Preference datasets: snapshots, imports, versions, preview, export. */
@Module({
  imports: [TypeOrmModule.forFeature(DATASET_ENTITIES), ProjectsModule],
  controllers: [DatasetsController],
  providers: [CommandExecutor, DatasetsReadModel, ...DATASET_COMMAND_HANDLERS, ...DATASET_QUERY_HANDLERS],
  exports: [DatasetsReadModel],
})
export class DatasetsModule {}
