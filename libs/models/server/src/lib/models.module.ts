import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { ModelRegistryModule } from './model-registry.module';
import { MODEL_COMMAND_HANDLERS } from './models.commands';
import { ModelsController } from './models.controller';
import { MODEL_QUERY_HANDLERS } from './models.queries';
import { ServingController } from './serving/serving.controller';

/**
 * The model registry with its routes (the api): list, detail, compare, import, tag, archive, and
 * OpenAI-compatible serving (`/v1`, generating through the global LocalModelsModule's host).
 */
@Module({
  imports: [ModelRegistryModule],
  controllers: [ModelsController, ServingController],
  providers: [CommandExecutor, ...MODEL_COMMAND_HANDLERS, ...MODEL_QUERY_HANDLERS],
  exports: [ModelRegistryModule],
})
export class ModelsModule {}
