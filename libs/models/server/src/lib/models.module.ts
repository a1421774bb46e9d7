import { ProjectRecord, ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MODEL_CATALOG } from './model-catalog';
import { MODEL_ENTITIES } from './model.entities';
import { ModelRegistry } from './model-registry';
import { MODEL_COMMAND_HANDLERS } from './models.commands';
import { ModelsController } from './models.controller';
import { MODEL_QUERY_HANDLERS } from './models.queries';
import { ModelsReadModel } from './models.read-model';

/**
 * The registry without routes: what a worker process imports (training registers models through
 * MODEL_CATALOG; the local provider resolves them). Reads the `models` tables and project standing.
 */
@Module({
  imports: [TypeOrmModule.forFeature([...MODEL_ENTITIES, ProjectRecord])],
  providers: [CommandExecutor, ModelsReadModel, ProjectsReadModel, ModelRegistry, { provide: MODEL_CATALOG, useExisting: ModelRegistry }],
  exports: [ModelRegistry, ModelsReadModel, MODEL_CATALOG],
})
export class ModelRegistryModule {}

/** The model registry with its routes (the api): list, detail, compare, import, tag, archive. */
@Module({
  imports: [ModelRegistryModule],
  controllers: [ModelsController],
  providers: [CommandExecutor, ...MODEL_COMMAND_HANDLERS, ...MODEL_QUERY_HANDLERS],
  exports: [ModelRegistryModule],
})
export class ModelsModule {}
