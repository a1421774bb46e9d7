import { CONFIG_EVENT_TYPES, type ConfigEvent, type RecordedEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { ConfigVersionRecord } from './config-version.entity';

/** Every saved version of every project's config set: history, diff, export and restore read it. */
export const configsProjection: ReadModelProjection = {
  name: 'configs',
  version: 2,
  entities: [ConfigVersionRecord],
  eventTypes: CONFIG_EVENT_TYPES,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const { data } = { type: recorded.type, data: recorded.data } as ConfigEvent;
    await manager
      .createQueryBuilder()
      .insert()
      .into(ConfigVersionRecord)
      .values({
        projectId: data.projectId,
        version: data.version,
        message: data.message,
        source: data.source,
        restoredFrom: data.restoredFrom ?? null,
        actor: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
        createdAt: recorded.metadata.time,
        files: data.files,
      })
      .orIgnore()
      .execute();
  },
};
