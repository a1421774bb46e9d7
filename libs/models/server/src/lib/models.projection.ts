import { MODEL_EVENT_TYPES, type ModelEvent, type RecordedEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { MODEL_ENTITIES, ModelRecord, ModelTagRecord } from './model.entities';

/**
 * The `models` read model: one row per registered model and the project's tags. A tag belongs to
 * one model of a project: `ModelTagged` moves it from whichever model had it (the newest tagging
 * wins); `ModelUntagged` removes it only from the model it names.
 */
export const modelsProjection: ReadModelProjection = {
  name: 'models',
  version: 1,
  entities: MODEL_ENTITIES,
  eventTypes: MODEL_EVENT_TYPES,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as ModelEvent;
    const models = manager.getRepository(ModelRecord);
    const tags = manager.getRepository(ModelTagRecord);
    const version = recorded.streamVersion;
    switch (event.type) {
      case 'ModelRegistered': {
        const d = event.data;
        await manager
          .createQueryBuilder()
          .insert()
          .into(ModelRecord)
          .values({
            id: d.modelId,
            projectId: d.projectId,
            name: d.name,
            source: d.source,
            description: d.description,
            path: d.path,
            weightsSha256: d.weightsSha256,
            architecture: d.architecture,
            lineage: d.lineage,
            metrics: { ...d.metrics },
            archived: false,
            trainingRunId: d.lineage.trainingRunId,
            createdAt: recorded.metadata.time,
            createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
            version,
            position: recorded.position,
          })
          .orIgnore()
          .execute();
        return;
      }
      case 'ModelTagged': {
        const model = await models.findOne({ where: { id: event.data.modelId }, select: { id: true, projectId: true } });
        if (!model) return;
        await tags.delete({ projectId: model.projectId, tag: event.data.tag });
        await tags.insert({ projectId: model.projectId, tag: event.data.tag, modelId: model.id, position: recorded.position });
        await models.update(model.id, { version });
        return;
      }
      case 'ModelUntagged':
        await tags.delete({ modelId: event.data.modelId, tag: event.data.tag });
        await models.update(event.data.modelId, { version });
        return;
      case 'ModelArchived':
        await models.update(event.data.modelId, { archived: true, version });
        return;
      default: {
        const unknown: never = event;
        throw new Error(`models projection: unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
