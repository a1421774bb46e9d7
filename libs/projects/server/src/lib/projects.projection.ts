import { PROJECT_EVENT_TYPES, type ProjectEvent, type RecordedEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { ProjectRecord } from './project.entity';

/** The `projects` read model: one row per project, as the list and detail endpoints return it. */
export const projectsProjection: ReadModelProjection = {
  name: 'projects',
  version: 2,
  entities: [ProjectRecord],
  eventTypes: PROJECT_EVENT_TYPES,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as ProjectEvent;
    const time = recorded.metadata.time;
    const projects = manager.getRepository(ProjectRecord);
    switch (event.type) {
      case 'ProjectCreated':
        await projects.insert({
          id: event.data.projectId,
          name: event.data.name,
          description: event.data.description,
          status: 'active',
          version: recorded.streamVersion,
          createdAt: time,
          updatedAt: time,
          createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
        });
        return;
      case 'ProjectRenamed':
        await projects.update(event.data.projectId, { name: event.data.name, version: recorded.streamVersion, updatedAt: time });
        return;
      case 'ProjectArchived':
        await projects.update(event.data.projectId, { status: 'archived', version: recorded.streamVersion, updatedAt: time });
        return;
      default: {
        const unknown: never = event;
        throw new Error(`projects projection: unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
