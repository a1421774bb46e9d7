import { TRAINING_DEFAULTS, trainingRunStreamId, type Actor, type ModelArchitecture } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { trainingRunDecider, type TrainingRunCommand } from '@camel/training';
import { TrainingRunRecord, TrainingStepRecord } from './training-run.entities';
import { trainingRunsProjection } from './training-runs.projection';

const OWNER: Actor = { type: 'user', id: 'u-owner' };
const P1 = '0190a000-0000-7000-8000-0000000000a1';
const R1 = '0190a000-0000-7000-8000-0000000000c1';
const R2 = '0190a000-0000-7000-8000-0000000000c2';
const architecture: ModelArchitecture = { family: 'llama', parameters: 27_584, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 281, contextLength: 64 };
const step = (n: number, loss: number) => ({ step: n, epoch: 0, metrics: { loss }, learningRate: 0.01, tokensPerSecond: 100, at: timelineTime(n) });

describe.each(ENGINES)('training runs projection on %s', (engine) => {
  const spec = projectionSpec(engine, trainingRunsProjection);
  let timeline: EventTimeline;
  const decide = (command: TrainingRunCommand) => timeline.decide(trainingRunDecider, trainingRunStreamId(command.runId), command, { actor: OWNER, projectId: P1 });
  const launch = (runId: string, modelName: string) =>
    decide({ type: 'LaunchTrainingRun', runId, projectId: P1, projectStatus: 'active', request: { modelName, datasetId: 'd1', datasetVersion: 1, baseModel: 'tiny', method: 'dpo' }, baseModelId: 'tiny', datasetContentHash: 'h' });
  const start = (runId: string, attempt: number, resumedFromStep: number) =>
    decide({ type: 'StartTrainingAttempt', runId, attempt, worker: 'w', backend: 'wasm', totalSteps: 4, resumedFromStep, architecture });

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('follows a run through attempts, progress, a checkpoint and completion; a resumed attempt keeps one row per step', async () => {
    launch(R1, 'm1');
    launch(R2, 'm2');
    start(R1, 1, 0);
    decide({ type: 'RecordTrainingProgress', runId: R1, steps: [step(1, 0.69), step(2, 0.5)], totalSteps: 4, etaSeconds: 4 });
    decide({ type: 'SaveTrainingCheckpoint', runId: R1, step: 2, path: 'training/r1/checkpoints/step-2' });
    decide({ type: 'RecordTrainingProgress', runId: R1, steps: [step(3, 0.4)], totalSteps: 4, etaSeconds: 2 });
    start(R1, 2, 2);
    decide({ type: 'RecordTrainingProgress', runId: R1, steps: [step(3, 0.4), step(4, 0.3)], totalSteps: 4, etaSeconds: 0 });
    decide({ type: 'CompleteTrainingRun', runId: R1, modelId: 'm-1', metrics: { loss: 0.3 }, evaluation: { 'eval/loss': 0.35 } });
    decide({ type: 'RequestTrainingCancel', runId: R2 });
    await spec.given(timeline).then(async ({ manager }) => {
      const runs = await manager.find(TrainingRunRecord, { order: { position: 'ASC' } });
      expect(runs.map((r) => ({ ...r, position: r.position > 0 }))).toEqual([
        {
          id: R1,
          projectId: P1,
          modelName: 'm1',
          description: null,
          datasetId: 'd1',
          datasetVersion: 1,
          datasetContentHash: 'h',
          baseModelId: 'tiny',
          method: 'dpo',
          lora: null,
          hyperparameters: TRAINING_DEFAULTS,
          seed: 42,
          status: 'completed',
          totalSteps: 4,
          step: 4,
          epoch: 0,
          tokensPerSecond: 100,
          etaSeconds: 0,
          metrics: { loss: 0.3 },
          checkpointStep: 2,
          backend: 'wasm',
          attempts: 2,
          modelId: 'm-1',
          failureCode: null,
          failureMessage: null,
          evaluation: { 'eval/loss': 0.35 },
          createdAt: timelineTime(0),
          createdBy: 'user:u-owner',
          startedAt: timelineTime(2),
          finishedAt: timelineTime(8),
          position: true,
        },
        expect.objectContaining({ id: R2, status: 'cancelled', attempts: 0, totalSteps: null, finishedAt: timelineTime(9) }),
      ]);
      const steps = await manager.find(TrainingStepRecord, { order: { step: 'ASC' } });
      expect(steps.map((s) => [s.runId, s.step, s.metrics['loss']])).toEqual([
        [R1, 1, 0.69],
        [R1, 2, 0.5],
        [R1, 3, 0.4],
        [R1, 4, 0.3],
      ]);
    });
  });
});
