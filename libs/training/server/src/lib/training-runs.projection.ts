import { TRAINING_RUN_EVENT_TYPES, type RecordedEvent, type TrainingRunEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { TRAINING_ENTITIES, TrainingRunRecord, TrainingStepRecord } from './training-run.entities';

/**
 * The training runs read model: one row per run (status, latest progress, attempts, outcome) and
 * one per logged step. A resumed attempt logs the steps after its checkpoint again: the steps table
 * keeps the latest value of each step, and the run's row follows the latest event.
 */
export const trainingRunsProjection: ReadModelProjection = {
  name: 'training-runs',
  version: 1,
  entities: TRAINING_ENTITIES,
  eventTypes: TRAINING_RUN_EVENT_TYPES,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as TrainingRunEvent;
    const time = recorded.metadata.time;
    const update = (runId: string, changes: Partial<TrainingRunRecord>) => manager.update(TrainingRunRecord, { id: runId }, changes);
    switch (event.type) {
      case 'TrainingRunLaunched': {
        const d = event.data;
        await manager.createQueryBuilder().insert().into(TrainingRunRecord).values({
          id: d.runId,
          projectId: d.projectId,
          modelName: d.modelName,
          description: d.description,
          datasetId: d.datasetId,
          datasetVersion: d.datasetVersion,
          datasetContentHash: d.datasetContentHash,
          baseModelId: d.baseModelId,
          method: d.method,
          lora: d.lora,
          hyperparameters: d.hyperparameters,
          seed: d.seed,
          status: 'queued',
          totalSteps: null,
          step: 0,
          epoch: 0,
          tokensPerSecond: 0,
          etaSeconds: null,
          metrics: {},
          checkpointStep: 0,
          backend: null,
          attempts: 0,
          modelId: null,
          failureCode: null,
          failureMessage: null,
          evaluation: null,
          createdAt: time,
          createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
          startedAt: null,
          finishedAt: null,
          position: recorded.position,
        }).orIgnore().execute();
        return;
      }
      case 'TrainingRunStarted': {
        const run = await manager.findOneBy(TrainingRunRecord, { id: event.data.runId });
        if (!run) return;
        await update(run.id, {
          status: run.status === 'cancelling' ? 'cancelling' : 'running',
          attempts: event.data.attempt,
          backend: event.data.backend,
          totalSteps: event.data.totalSteps,
          step: event.data.resumedFromStep,
          startedAt: run.startedAt ?? time,
        });
        return;
      }
      case 'TrainingProgressRecorded': {
        const steps = event.data.steps;
        const last = steps[steps.length - 1];
        if (!last) return;
        await manager.upsert(
          TrainingStepRecord,
          steps.map((s) => ({ runId: event.data.runId, step: s.step, epoch: s.epoch, metrics: { ...s.metrics }, learningRate: s.learningRate, tokensPerSecond: s.tokensPerSecond, at: s.at })),
          ['runId', 'step'],
        );
        await update(event.data.runId, { step: last.step, epoch: last.epoch, metrics: { ...last.metrics }, tokensPerSecond: last.tokensPerSecond, totalSteps: event.data.totalSteps, etaSeconds: event.data.etaSeconds });
        return;
      }
      case 'TrainingCheckpointSaved':
        await update(event.data.runId, { checkpointStep: event.data.step });
        return;
      case 'TrainingCancelRequested':
        await update(event.data.runId, { status: 'cancelling' });
        return;
      case 'TrainingRunCompleted':
        await update(event.data.runId, { status: 'completed', modelId: event.data.modelId, evaluation: event.data.evaluation ? { ...event.data.evaluation } : null, etaSeconds: 0, finishedAt: time });
        return;
      case 'TrainingRunFailed':
        await update(event.data.runId, { status: 'failed', failureCode: event.data.code, failureMessage: event.data.message, etaSeconds: null, finishedAt: time });
        return;
      case 'TrainingRunCancelled':
        await update(event.data.runId, { status: 'cancelled', etaSeconds: null, finishedAt: time });
        return;
    }
  },
};
