import { ConfigsModule } from '@camel/configs/server';
import { IdentityModule } from '@camel/identity/server';
import { ProjectsModule } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { LlmProvidersModule, LogEntryRecord, LogsReadModel } from '@camel/workflows/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AnnotationFacts } from './annotation-facts';
import { ANNOTATION_ENTITIES } from './annotation.entities';
import { ANNOTATION_COMMAND_HANDLERS } from './annotations.commands';
import { AnnotationsController } from './annotations.controller';
import { ANNOTATION_QUERY_HANDLERS } from './annotations.queries';
import { AnnotationsReadModel } from './annotations.read-model';
import { ItemSources } from './item-sources';
import { JudgeSuggestions } from './judge-suggestions';
import { QueueSubmissions } from './queue-submissions';
import { QueuesController } from './queues.controller';

/** Annotations: label sets, annotations with history, queues, reservations, blind mode, agreement, adjudication. */
@Module({
  imports: [TypeOrmModule.forFeature([...ANNOTATION_ENTITIES, LogEntryRecord]), IdentityModule, ProjectsModule, ConfigsModule, LlmProvidersModule],
  controllers: [AnnotationsController, QueuesController],
  providers: [CommandExecutor, AnnotationsReadModel, LogsReadModel, AnnotationFacts, ItemSources, QueueSubmissions, JudgeSuggestions, ...ANNOTATION_COMMAND_HANDLERS, ...ANNOTATION_QUERY_HANDLERS],
  exports: [AnnotationsReadModel, JudgeSuggestions],
})
export class AnnotationsModule {}
