import type { DomainEvent, ProjectEvent } from '@camel/contracts';
import { migrate, type EventStore, type Migration, type SqlExecutor } from '@camel/event-store';
import { projectNameKey, projectNameTaken } from '@camel/projects';
import { EVENT_STORE } from '@camel/server';
import type { FactoryProvider } from '@nestjs/common';

export const PROJECT_NAME_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'project name reservations',
    sql: `
      CREATE TABLE IF NOT EXISTS project_names (
        name_key TEXT PRIMARY KEY,
        project_id TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS project_names_project ON project_names (project_id);`,
  },
];

const PROJECT_EVENT_TYPES: ReadonlySet<string> = new Set(['ProjectCreated', 'ProjectRenamed', 'ProjectArchived']);

/**
 * Names of active projects, reserved in the transaction of the event that gives or frees a name
 * (CommandExecutor `inTransaction`): the read-model check before deciding is the friendly answer,
 * this unique key is the guarantee. Two simultaneous creates (or renames) with one name: both may pass
 * the read-model check, but the second reservation finds the first (on PostgreSQL it waits for the
 * first transaction's commit on the unique index), so its append rolls back with `project.name.taken`.
 * Not a read model: written by commands, never by a projection, and not rebuilt (back it up with the
 * database). Projects created before it existed have no row; the read-model check still covers their
 * names, and their next rename reserves the new one.
 */
export class ProjectNames {
  /** The reservations, their table migrated before any command can use it. */
  static readonly provider: FactoryProvider<Promise<ProjectNames>> = {
    provide: ProjectNames,
    inject: [EVENT_STORE],
    useFactory: async (store: EventStore) => {
      await migrate(store.db, 'project-names', PROJECT_NAME_MIGRATIONS);
      return new ProjectNames();
    },
  };

  /** The reservation writes of a project command's events, to run in the append's transaction. */
  readonly inTransaction = async (tx: SqlExecutor, events: readonly DomainEvent[]): Promise<void> => {
    for (const event of events) {
      if (PROJECT_EVENT_TYPES.has(event.type)) await reserve(tx, event as ProjectEvent);
    }
  };
}

async function reserve(tx: SqlExecutor, event: ProjectEvent): Promise<void> {
  const { projectId } = event.data;
  if (event.type !== 'ProjectCreated') await tx.query('DELETE FROM project_names WHERE project_id = $1', [projectId]);
  if (event.type === 'ProjectArchived') return;
  const name = event.data.name;
  const reserved = await tx.query('INSERT INTO project_names (name_key, project_id) VALUES ($1, $2) ON CONFLICT (name_key) DO NOTHING RETURNING project_id', [
    projectNameKey(name),
    projectId,
  ]);
  if (reserved.length === 0) throw projectNameTaken(name);
}
