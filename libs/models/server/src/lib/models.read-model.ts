import type { ModelView } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ModelRecord, ModelTagRecord } from './model.entities';
import { modelsProjection } from './models.projection';

export interface RegisteredModel {
  readonly view: ModelView;
  /** Relative to MODELS_DIR. */
  readonly path: string;
  readonly weightsSha256: string;
}

/** The only code that reads the `models` tables. */
@Injectable()
export class ModelsReadModel {
  constructor(
    @InjectRepository(ModelRecord) private readonly models: Repository<ModelRecord>,
    @InjectRepository(ModelTagRecord) private readonly tags: Repository<ModelTagRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, modelsProjection.name);
  }

  /** The project's models, newest first. */
  async list(projectId: string, includeArchived: boolean): Promise<RegisteredModel[]> {
    const rows = await this.models.find({ where: { projectId, ...(includeArchived ? {} : { archived: false }) }, order: { position: 'DESC' } });
    return this.withTags(rows);
  }

  async get(projectId: string, modelId: string): Promise<RegisteredModel | null> {
    const row = await this.models.findOneBy({ id: modelId, projectId });
    return row ? (await this.withTags([row]))[0] : null;
  }

  async many(projectId: string, modelIds: readonly string[]): Promise<RegisteredModel[]> {
    if (modelIds.length === 0) return [];
    return this.withTags(await this.models.findBy({ projectId, id: In([...modelIds]) }));
  }

  /** The active model of the project with this name, if any. */
  async activeNamed(projectId: string, name: string): Promise<RegisteredModel | null> {
    const row = await this.models.findOneBy({ projectId, name, archived: false });
    return row ? (await this.withTags([row]))[0] : null;
  }

  /** The model of the project that holds a tag. */
  async tagHolder(projectId: string, tag: string): Promise<string | null> {
    return (await this.tags.findOneBy({ projectId, tag }))?.modelId ?? null;
  }

  private async withTags(rows: readonly ModelRecord[]): Promise<RegisteredModel[]> {
    if (rows.length === 0) return [];
    const tags = await this.tags.find({ where: { modelId: In(rows.map((r) => r.id)) }, order: { position: 'ASC' } });
    return rows.map((row) => ({
      path: row.path,
      weightsSha256: row.weightsSha256,
      view: {
        id: row.id,
        projectId: row.projectId,
        name: row.name,
        source: row.source,
        description: row.description,
        architecture: row.architecture,
        lineage: row.lineage,
        metrics: row.metrics,
        tags: tags.filter((t) => t.modelId === row.id).map((t) => t.tag),
        archived: row.archived,
        createdAt: row.createdAt,
        createdBy: row.createdBy,
      },
    }));
  }
}
