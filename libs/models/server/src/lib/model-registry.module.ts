import { ProjectRecord, ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MODEL_CATALOG } from './model-catalog';
import { MODEL_ENTITIES } from './model.entities';
import { ModelRegistry } from './model-registry';
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
