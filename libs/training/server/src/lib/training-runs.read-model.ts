import type { TrainingRunDetail, TrainingRunView, TrainingStepMetrics } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, type Repository } from 'typeorm';
import { TrainingRunRecord, TrainingStepRecord } from './training-run.entities';
import { trainingRunsProjection } from './training-runs.projection';

const UNFINISHED = ['queued', 'running', 'cancelling'] as const;

function toView(row: TrainingRunRecord, queuePosition: number | null): TrainingRunView {
  return {
    id: row.id,
    projectId: row.projectId,
    modelName: row.modelName,
    description: row.description,
    datasetId: row.datasetId,
    datasetVersion: row.datasetVersion,
    baseModelId: row.baseModelId,
    method: row.method,
    lora: row.lora,
    hyperparameters: row.hyperparameters,
    seed: row.seed,
    status: row.status,
    queuePosition,
    progress:
      row.totalSteps === null
        ? null
        : { step: row.step, totalSteps: row.totalSteps, epoch: row.epoch, tokensPerSecond: row.tokensPerSecond, etaSeconds: row.etaSeconds, metrics: row.metrics, checkpointStep: row.checkpointStep },
    backend: row.backend,
    attempts: row.attempts,
    modelId: row.modelId,
    failure: row.failureCode ? { code: row.failureCode, message: row.failureMessage ?? '' } : null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** The only code that reads the training tables. */
@Injectable()
export class TrainingRunsReadModel {
  constructor(
    @InjectRepository(TrainingRunRecord) private readonly runs: Repository<TrainingRunRecord>,
    @InjectRepository(TrainingStepRecord) private readonly steps: Repository<TrainingStepRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, trainingRunsProjection.name);
  }

  /** Queued runs (every project's: the queue is shared) launched before each one: its place in the queue. */
  private async queuePositions(rows: readonly TrainingRunRecord[]): Promise<Map<string, number>> {
    const queued = rows.filter((r) => r.status === 'queued');
    const out = new Map<string, number>();
    for (const row of queued) out.set(row.id, await this.runs.countBy({ status: 'queued', position: LessThan(row.position) }));
    return out;
  }

  async list(projectId: string): Promise<TrainingRunView[]> {
    const rows = await this.runs.find({ where: { projectId }, order: { position: 'DESC' } });
    const queue = await this.queuePositions(rows);
    return rows.map((row) => toView(row, queue.get(row.id) ?? null));
  }

  async get(projectId: string, runId: string): Promise<TrainingRunView | null> {
    const row = await this.runs.findOneBy({ projectId, id: runId });
    if (!row) return null;
    return toView(row, (await this.queuePositions([row])).get(row.id) ?? null);
  }

  async detail(projectId: string, runId: string): Promise<TrainingRunDetail | null> {
    const row = await this.runs.findOneBy({ projectId, id: runId });
    if (!row) return null;
    const steps = await this.steps.find({ where: { runId }, order: { step: 'ASC' } });
    const history: TrainingStepMetrics[] = steps.map((s) => ({ step: s.step, epoch: s.epoch, metrics: s.metrics, learningRate: s.learningRate, tokensPerSecond: s.tokensPerSecond, at: s.at }));
    return { run: toView(row, (await this.queuePositions([row])).get(row.id) ?? null), history, evaluation: row.evaluation };
  }

  /** True when an unfinished run of the project will register a model of this name. */
  async nameInTraining(projectId: string, modelName: string): Promise<boolean> {
    return (await this.runs.countBy({ projectId, modelName, status: In([...UNFINISHED]) })) > 0;
  }

  /** Runs not finished, oldest first (recovered at start, swept onto the queue). */
  async unfinished(): Promise<string[]> {
    const rows = await this.runs.find({ select: { id: true }, where: { status: In([...UNFINISHED]) }, order: { position: 'ASC' } });
    return rows.map((r) => r.id);
  }
}
