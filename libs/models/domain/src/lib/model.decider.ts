import {
  DomainError,
  MODEL_NAME,
  MODEL_TAG,
  type ModelArchitecture,
  type ModelEvent,
  type ModelLineage,
  type ModelRegistered,
  type ModelSource,
  type ProjectStatus,
} from '@camel/contracts';
import type { Decider } from '@camel/kernel';

/** A model carries at most this many tags. */
export const MODEL_TAGS_MAX = 16;
export const MODEL_DESCRIPTION_MAX = 2000;

export function validModelName(raw: unknown): string {
  if (typeof raw !== 'string' || !MODEL_NAME.test(raw)) {
    throw DomainError.validation('model.name.invalid', 'name', 'name must be 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');
  }
  return raw;
}

export function validModelTag(raw: unknown): string {
  if (typeof raw !== 'string' || !MODEL_TAG.test(raw)) {
    throw DomainError.validation('model.tag.invalid', 'tag', 'tag must be 1–32 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');
  }
  return raw;
}

export function validModelDescription(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw DomainError.validation('model.description.invalid', 'description', 'description must be a string');
  const description = raw.trim();
  if (description.length > MODEL_DESCRIPTION_MAX) throw DomainError.validation('model.description.too-long', 'description', `description must be at most ${MODEL_DESCRIPTION_MAX} characters`);
  return description === '' ? null : description;
}

export type ModelCommand =
  | {
      readonly type: 'RegisterModel';
      readonly modelId: string;
      readonly projectId: string;
      readonly name: string;
      readonly source: Exclude<ModelSource, 'builtin'>;
      readonly description?: string | null;
      readonly path: string;
      readonly weightsSha256: string;
      readonly architecture: ModelArchitecture;
      readonly lineage: ModelLineage;
      readonly metrics: Readonly<Record<string, number>>;
      /** Read by the caller: the project's standing. */
      readonly projectStatus: ProjectStatus | 'none';
      /** Read by the caller: the active model of the project (or built-in) that already has this name. */
      readonly nameTakenBy: string | null;
    }
  | { readonly type: 'TagModel'; readonly modelId: string; readonly tag: string }
  | { readonly type: 'UntagModel'; readonly modelId: string; readonly tag: string }
  | { readonly type: 'ArchiveModel'; readonly modelId: string };

export type ModelState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'archived';
      readonly projectId: string;
      readonly name: string;
      readonly trainingRunId: string | null;
      readonly tags: readonly string[];
    };

function existing(state: ModelState, modelId: string): Exclude<ModelState, { status: 'none' }> {
  if (state.status === 'none') throw DomainError.notFound('model.not-found', `model ${modelId} does not exist`);
  return state;
}

function active(state: ModelState, modelId: string): Exclude<ModelState, { status: 'none' }> {
  const model = existing(state, modelId);
  if (model.status === 'archived') throw DomainError.conflict('model.archived', `model ${modelId} is archived`);
  return model;
}

function register(command: Extract<ModelCommand, { type: 'RegisterModel' }>, state: ModelState): ModelEvent[] {
  if (state.status !== 'none') {
    // A training job that registers again after a crash gets the model it registered.
    if (command.lineage.trainingRunId !== null && state.trainingRunId === command.lineage.trainingRunId && state.projectId === command.projectId) return [];
    throw DomainError.conflict('model.exists', `model ${command.modelId} already exists`);
  }
  if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
  if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', 'the project is archived');
  const name = validModelName(command.name);
  if (command.nameTakenBy !== null && command.nameTakenBy !== command.modelId) {
    throw DomainError.conflict('model.name.taken', `another model of this project is already called “${name}”; choose another name`, 'name');
  }
  const data: ModelRegistered['data'] = {
    modelId: command.modelId,
    projectId: command.projectId,
    name,
    source: command.source,
    description: validModelDescription(command.description),
    path: command.path,
    weightsSha256: command.weightsSha256,
    architecture: command.architecture,
    lineage: command.lineage,
    metrics: command.metrics,
  };
  return [{ type: 'ModelRegistered', data }];
}

/**
 * A registered model (trained or imported; built-ins are folders, not streams). Its name is unique
 * among the project's active models (checked against the read model by the caller, like project
 * names). Tags are the model's own; a tag names one model in a project: the registry moves it to the
 * model tagged last (the command handler also untags the previous holder's stream). Archiving drops
 * the tags and frees the name; an archived model stays readable by id.
 */
export const modelDecider: Decider<ModelCommand, ModelEvent, ModelState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterModel':
        return register(command, state);
      case 'TagModel': {
        const tag = validModelTag(command.tag);
        const model = active(state, command.modelId);
        if (model.tags.includes(tag)) return [];
        if (model.tags.length >= MODEL_TAGS_MAX) throw DomainError.validation('model.tags.too-many', 'tag', `a model has at most ${MODEL_TAGS_MAX} tags`);
        return [{ type: 'ModelTagged', data: { modelId: command.modelId, tag } }];
      }
      case 'UntagModel': {
        const tag = validModelTag(command.tag);
        const model = existing(state, command.modelId);
        if (!model.tags.includes(tag)) throw DomainError.notFound('model.tag.not-found', `model ${command.modelId} has no tag ${tag}`);
        return [{ type: 'ModelUntagged', data: { modelId: command.modelId, tag } }];
      }
      case 'ArchiveModel': {
        const model = existing(state, command.modelId);
        if (model.status === 'archived') return [];
        return [...model.tags.map((tag): ModelEvent => ({ type: 'ModelUntagged', data: { modelId: command.modelId, tag } })), { type: 'ModelArchived', data: { modelId: command.modelId } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ModelRegistered':
        return { status: 'active', projectId: event.data.projectId, name: event.data.name, trainingRunId: event.data.lineage.trainingRunId, tags: [] };
      case 'ModelTagged':
        return state.status === 'none' ? state : { ...state, tags: [...state.tags, event.data.tag] };
      case 'ModelUntagged':
        return state.status === 'none' ? state : { ...state, tags: state.tags.filter((t) => t !== event.data.tag) };
      case 'ModelArchived':
        return state.status === 'none' ? state : { ...state, status: 'archived' };
    }
  },
};
