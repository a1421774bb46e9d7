import type { DomainEvent, RecordedEvent } from './event-envelope';

export const PROJECT_STREAM_TYPE = 'project';
export const PROJECT_NAME_MAX_LENGTH = 100;
export const PROJECT_DESCRIPTION_MAX_LENGTH = 2000;

export const projectStreamId = (projectId: string): string => `project-${projectId}`;

export type ProjectCreated = DomainEvent<
  'ProjectCreated',
  { projectId: string; name: string; description: string }
>;
export type ProjectRenamed = DomainEvent<
  'ProjectRenamed',
  { projectId: string; name: string; previousName: string }
>;
export type ProjectArchived = DomainEvent<'ProjectArchived', { projectId: string }>;

export type ProjectEvent = ProjectCreated | ProjectRenamed | ProjectArchived;
export type ProjectEventType = ProjectEvent['type'];
export type RecordedProjectEvent = RecordedEvent<ProjectEventType, ProjectEvent['data']>;

export const PROJECT_EVENT_TYPES: readonly ProjectEventType[] = [
  'ProjectCreated',
  'ProjectRenamed',
  'ProjectArchived',
];

export type ProjectStatus = 'active' | 'archived';

/** Read model row, as the API returns it. */
export interface ProjectView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly status: ProjectStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

export interface CreateProjectRequest {
  readonly name: string;
  readonly description?: string;
}

export interface RenameProjectRequest {
  readonly name: string;
}

/**
 * Response header of list queries: the read model's checkpoint (global position) when it was read.
 * Following the topic from there misses nothing; an event already reflected in the list may arrive
 * again, so clients apply events idempotently (by stream version).
 */
export const READ_POSITION_HEADER = 'x-read-position';

export interface ProjectList {
  readonly projects: ProjectView[];
  /** Value of the `x-read-position` header. */
  readonly position: number;
}

/** What every command endpoint answers: enough to wait for, or subscribe from, its effects. */
export interface CommandAccepted {
  readonly id: string;
  readonly version: number;
  readonly position: number;
}
