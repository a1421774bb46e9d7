import {
  DomainError,
  PROJECT_DESCRIPTION_MAX_LENGTH,
  PROJECT_NAME_MAX_LENGTH,
  PROJECT_ROLES,
  type ProjectEvent,
  type ProjectMemberEvent,
  type ProjectRole,
} from '@camel/contracts';
import type { Decider } from '@camel/kernel';

/** A role a member or API key can hold in a project; anything else is a 400 naming the field. */
export function validProjectRole(raw: unknown, field = 'role'): ProjectRole {
  if (!PROJECT_ROLES.includes(raw as ProjectRole)) {
    throw DomainError.validation('role.invalid', field, `${field} must be one of: ${PROJECT_ROLES.join(', ')}`);
  }
  return raw as ProjectRole;
}

/** Every event of a project's stream: its own lifecycle and its membership. */
export type ProjectStreamEvent = ProjectEvent | ProjectMemberEvent;

/**
 * Names compare as a person reads them: trimmed, Unicode-normalised, case-insensitive ("Support
 * triage" and "support triage " are the same name).
 */
export const projectNameKey = (name: string): string => name.trim().normalize('NFC').toLocaleLowerCase('en-US');

export type ProjectCommand =
  | {
      readonly type: 'CreateProject';
      readonly projectId: string;
      readonly name: string;
      readonly description?: string;
      /** The active project that already has this name (`projectNameKey`), read by the caller. */
      readonly nameTakenBy?: string | null;
    }
  | { readonly type: 'RenameProject'; readonly projectId: string; readonly name: string; readonly nameTakenBy?: string | null }
  | { readonly type: 'ArchiveProject'; readonly projectId: string }
  | {
      readonly type: 'AddMember';
      readonly projectId: string;
      readonly userId: string;
      readonly role: ProjectRole;
      /** Status of the user, read by the caller from the users read model. */
      readonly userStatus: 'none' | 'invited' | 'active' | 'disabled';
    }
  | { readonly type: 'ChangeMemberRole'; readonly projectId: string; readonly userId: string; readonly role: ProjectRole }
  | { readonly type: 'RemoveMember'; readonly projectId: string; readonly userId: string };

export type ProjectState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'archived';
      readonly id: string;
      readonly name: string;
      readonly members: Readonly<Record<string, ProjectRole>>;
    };

const initialState: ProjectState = { status: 'none' };

/** Names are trimmed; control characters are refused so a name renders the same everywhere. */
function validName(raw: unknown): string {
  if (typeof raw !== 'string') throw DomainError.validation('project.name.required', 'name', 'name must be a string');
  const name = raw.trim();
  if (name.length === 0) throw DomainError.validation('project.name.required', 'name', 'name must not be empty');
  if (name.length > PROJECT_NAME_MAX_LENGTH) {
    throw DomainError.validation(
      'project.name.too-long',
      'name',
      `name must be at most ${PROJECT_NAME_MAX_LENGTH} characters (got ${name.length})`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw DomainError.validation('project.name.invalid', 'name', 'name must not contain control characters');
  }
  return name;
}

function validDescription(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') {
    throw DomainError.validation('project.description.invalid', 'description', 'description must be a string');
  }
  const description = raw.trim();
  if (description.length > PROJECT_DESCRIPTION_MAX_LENGTH) {
    throw DomainError.validation(
      'project.description.too-long',
      'description',
      `description must be at most ${PROJECT_DESCRIPTION_MAX_LENGTH} characters (got ${description.length})`,
    );
  }
  return description;
}

/** The answer when another active project already has the name (also given by the name reservation). */
export const projectNameTaken = (name: string): DomainError =>
  DomainError.conflict('project.name.taken', `another active project is already called “${name}”; choose another name`, 'name');

/** Two active projects never share a name: every picker would show the same line twice. */
function refuseTakenName(name: string, projectId: string, takenBy: string | null | undefined): void {
  if (takenBy && takenBy !== projectId) throw projectNameTaken(name);
}

function existing(state: ProjectState, projectId: string) {
  if (state.status === 'none') throw DomainError.notFound('project.not-found', `project ${projectId} does not exist`);
  return state;
}

function memberRole(project: Exclude<ProjectState, { status: 'none' }>, userId: string): ProjectRole {
  const role = project.members[userId];
  if (!role) throw DomainError.notFound('member.not-found', `user ${userId} is not a member of this project`);
  return role;
}

function decide(command: ProjectCommand, state: ProjectState): ProjectStreamEvent[] {
  switch (command.type) {
    case 'CreateProject': {
      if (state.status !== 'none') {
        throw DomainError.conflict('project.exists', `project ${command.projectId} already exists`);
      }
      const name = validName(command.name);
      const description = validDescription(command.description);
      refuseTakenName(name, command.projectId, command.nameTakenBy);
      return [{ type: 'ProjectCreated', data: { projectId: command.projectId, name, description } }];
    }
    case 'RenameProject': {
      const project = existing(state, command.projectId);
      const name = validName(command.name);
      if (project.status === 'archived') {
        throw DomainError.conflict('project.archived', `project ${command.projectId} is archived and cannot be renamed`);
      }
      if (name === project.name) return [];
      refuseTakenName(name, command.projectId, command.nameTakenBy);
      return [{ type: 'ProjectRenamed', data: { projectId: command.projectId, name, previousName: project.name } }];
    }
    case 'ArchiveProject': {
      const project = existing(state, command.projectId);
      if (project.status === 'archived') {
        throw DomainError.conflict('project.archived', `project ${command.projectId} is already archived`);
      }
      return [{ type: 'ProjectArchived', data: { projectId: command.projectId } }];
    }
    case 'AddMember': {
      const role = validProjectRole(command.role);
      const project = existing(state, command.projectId);
      if (command.userStatus === 'none') throw DomainError.validation('user.not-found', 'userId', `user ${command.userId} does not exist`);
      if (project.members[command.userId]) {
        throw DomainError.conflict('member.exists', 'the user is already a member; change the role instead', 'userId');
      }
      return [{ type: 'ProjectMemberAdded', data: { projectId: project.id, userId: command.userId, role } }];
    }
    case 'ChangeMemberRole': {
      const role = validProjectRole(command.role);
      const project = existing(state, command.projectId);
      const previousRole = memberRole(project, command.userId);
      if (previousRole === role) return [];
      return [{ type: 'ProjectMemberRoleChanged', data: { projectId: project.id, userId: command.userId, role, previousRole } }];
    }
    case 'RemoveMember': {
      const project = existing(state, command.projectId);
      const previousRole = memberRole(project, command.userId);
      return [{ type: 'ProjectMemberRemoved', data: { projectId: project.id, userId: command.userId, previousRole } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function evolve(state: ProjectState, event: ProjectStreamEvent): ProjectState {
  switch (event.type) {
    case 'ProjectCreated':
      return { status: 'active', id: event.data.projectId, name: event.data.name, members: {} };
    case 'ProjectRenamed':
      return state.status === 'none' ? state : { ...state, name: event.data.name };
    case 'ProjectArchived':
      return state.status === 'none' ? state : { ...state, status: 'archived' };
    case 'ProjectMemberAdded':
    case 'ProjectMemberRoleChanged':
      return state.status === 'none' ? state : { ...state, members: { ...state.members, [event.data.userId]: event.data.role } };
    case 'ProjectMemberRemoved': {
      if (state.status === 'none') return state;
      const members = { ...state.members };
      delete members[event.data.userId];
      return { ...state, members };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const projectDecider: Decider<ProjectCommand, ProjectStreamEvent, ProjectState> = {
  initialState,
  decide,
  evolve,
};
