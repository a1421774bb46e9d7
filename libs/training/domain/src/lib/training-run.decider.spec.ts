import { TRAINING_DEFAULTS, type ModelArchitecture, type TrainingRunEvent, type TrainingRunLaunched } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { validLaunch } from './launch';
import { TRAINING_PRESETS } from './presets';
import { modelIdFor, trainingRunDecider, type TrainingRunCommand } from './training-run.decider';

const spec = deciderSpec(trainingRunDecider);
const runId = 'r1';
const request = { modelName: 'tiny-dpo', datasetId: 'd1', datasetVersion: 2, baseModel: 'starter', method: 'dpo' as const };
const launch = (over: Partial<Extract<TrainingRunCommand, { type: 'LaunchTrainingRun' }>> = {}): TrainingRunCommand => ({
  type: 'LaunchTrainingRun',
  runId,
  projectId: 'p1',
  projectStatus: 'active',
  request,
  baseModelId: 'm-base',
  datasetContentHash: 'abc',
  ...over,
});
const launched: TrainingRunLaunched = {
  type: 'TrainingRunLaunched',
  data: {
    runId,
    projectId: 'p1',
    modelName: 'tiny-dpo',
    description: null,
    datasetId: 'd1',
    datasetVersion: 2,
    datasetContentHash: 'abc',
    baseModelId: 'm-base',
    method: 'dpo',
    lora: null,
    hyperparameters: TRAINING_DEFAULTS,
    seed: 42,
  },
};
const architecture: ModelArchitecture = { family: 'llama', parameters: 1000, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 281, contextLength: 128 };
const start = (attempt: number, resumedFromStep = 0): TrainingRunCommand => ({ type: 'StartTrainingAttempt', runId, attempt, worker: 'w', backend: 'wasm', totalSteps: 10, resumedFromStep, architecture });
const started = (attempt: number, resumedFromStep = 0): TrainingRunEvent => ({ type: 'TrainingRunStarted', data: { runId, attempt, worker: 'w', backend: 'wasm', totalSteps: 10, resumedFromStep, architecture } });
const step = (n: number) => ({ step: n, epoch: 0, metrics: { loss: 0.69 }, learningRate: 5e-4, tokensPerSecond: 100, at: '2026-01-01T00:00:00.000Z' });
const progress = (...steps: number[]): TrainingRunEvent => ({ type: 'TrainingProgressRecorded', data: { runId, steps: steps.map(step), totalSteps: 10, etaSeconds: 5 } });

describe('training run decider', () => {
  it('launches with every default filled in', () => spec.given([]).when(launch()).then([launched]));

  it('keeps given hyperparameters, LoRA (alpha defaulting to 2 × rank) and the seed', () =>
    spec
      .given([])
      .when(launch({ request: { ...request, lora: { rank: 4, targets: ['q_proj'] } as never, hyperparameters: { epochs: 3, microBatch: 2, lossType: 'robust', labelSmoothing: 0.1 }, seed: 7 } }))
      .then([{ ...launched, data: { ...launched.data, lora: { rank: 4, alpha: 8, targets: ['q_proj'] }, hyperparameters: { ...TRAINING_DEFAULTS, epochs: 3, microBatch: 2, lossType: 'robust', labelSmoothing: 0.1 }, seed: 7 } }]));

  it.each([
    [{ hyperparameters: { learningRate: 0 } }, 'hyperparameters.learningRate'],
    [{ hyperparameters: { learningRate: 2 } }, 'hyperparameters.learningRate'],
    [{ hyperparameters: { epochs: 0 } }, 'hyperparameters.epochs'],
    [{ hyperparameters: { epochs: 1.5 } }, 'hyperparameters.epochs'],
    [{ hyperparameters: { batchSize: 257 } }, 'hyperparameters.batchSize'],
    [{ hyperparameters: { batchSize: 4, microBatch: 5 } }, 'hyperparameters.microBatch'],
    [{ hyperparameters: { microBatch: -1 } }, 'hyperparameters.microBatch'],
    [{ hyperparameters: { microBatch: 1.5 } }, 'hyperparameters.microBatch'],
    [{ hyperparameters: { maxLength: 7 } }, 'hyperparameters.maxLength'],
    [{ hyperparameters: { checkpointEvery: 0 } }, 'hyperparameters.checkpointEvery'],
    [{ hyperparameters: { lossType: 'kto' } }, 'hyperparameters.lossType'],
    [{ hyperparameters: { labelSmoothing: 0.2 } }, 'hyperparameters.labelSmoothing'],
    [{ hyperparameters: { lossType: 'robust', labelSmoothing: 0.5 } }, 'hyperparameters.labelSmoothing'],
    [{ hyperparameters: { precomputeReference: 'yes' } }, 'hyperparameters.precomputeReference'],
    [{ hyperparameters: { momentum: 0.9 } }, 'hyperparameters.momentum'],
    [{ lora: { rank: 0 } }, 'lora.rank'],
    [{ lora: { rank: 8, alpha: -1 } }, 'lora.alpha'],
    [{ lora: { rank: 8, targets: [] } }, 'lora.targets'],
    [{ lora: { rank: 8, targets: ['lm_head'] } }, 'lora.targets'],
    [{ modelName: 'Bad Name' }, 'modelName'],
    [{ modelName: '' }, 'modelName'],
    [{ datasetVersion: 0 }, 'datasetVersion'],
    [{ datasetId: '' }, 'datasetId'],
    [{ baseModel: ' ' }, 'baseModel'],
    [{ method: 'ppo' }, 'method'],
    [{ seed: -1 }, 'seed'],
  ])('refuses %j naming %s', (over, field) =>
    spec
      .given([])
      .when(launch({ request: { ...request, ...(over as object) } }))
      .thenThrows({ kind: 'validation', field }));

  it('refuses a launch in a missing or archived project', () => {
    spec.given([]).when(launch({ projectStatus: 'none' })).thenThrows({ kind: 'not-found', code: 'project.not-found' });
    spec.given([]).when(launch({ projectStatus: 'archived' })).thenThrows({ kind: 'conflict', code: 'project.archived' });
  });

  it('starts each attempt once: a retried job repeating a start decides nothing', () => {
    spec.given([launched]).when(start(1)).then([started(1)]);
    spec.given([launched, started(1)]).when(start(1)).then([]);
    spec.given([launched, started(1)]).when(start(2, 4)).then([started(2, 4)]);
  });

  it('records only steps beyond the last one recorded', () => {
    spec.given([launched, started(1)]).when({ type: 'RecordTrainingProgress', runId, steps: [step(1), step(2)], totalSteps: 10, etaSeconds: 5 }).then([progress(1, 2)]);
    spec.given([launched, started(1), progress(1, 2)]).when({ type: 'RecordTrainingProgress', runId, steps: [step(2), step(3)], totalSteps: 10, etaSeconds: 5 }).then([progress(3)]);
    spec.given([launched, started(1), progress(1, 2)]).when({ type: 'RecordTrainingProgress', runId, steps: [step(1), step(2)], totalSteps: 10, etaSeconds: 5 }).then([]);
  });

  it('records a checkpoint once', () => {
    const saved: TrainingRunEvent = { type: 'TrainingCheckpointSaved', data: { runId, step: 4, path: 'training/r1/checkpoint-4' } };
    spec.given([launched, started(1)]).when({ type: 'SaveTrainingCheckpoint', runId, step: 4, path: 'training/r1/checkpoint-4' }).then([saved]);
    spec.given([launched, started(1), saved]).when({ type: 'SaveTrainingCheckpoint', runId, step: 4, path: 'training/r1/checkpoint-4' }).then([]);
  });

  it('cancels a queued run at once, a running one through the training process', () => {
    spec.given([launched]).when({ type: 'RequestTrainingCancel', runId }).then([{ type: 'TrainingCancelRequested', data: { runId } }, { type: 'TrainingRunCancelled', data: { runId, step: 0 } }]);
    spec.given([launched, started(1)]).when({ type: 'RequestTrainingCancel', runId }).then([{ type: 'TrainingCancelRequested', data: { runId } }]);
    spec.given([launched, started(1), { type: 'TrainingCancelRequested', data: { runId } }]).when({ type: 'RequestTrainingCancel', runId }).then([]);
    spec.given([launched, started(1), { type: 'TrainingCancelRequested', data: { runId } }]).when({ type: 'CancelTrainingRun', runId, step: 3 }).then([{ type: 'TrainingRunCancelled', data: { runId, step: 3 } }]);
  });

  it('ends once: completion, failure or cancellation after the end decides nothing, a cancel request is refused', () => {
    const completed: TrainingRunEvent = { type: 'TrainingRunCompleted', data: { runId, modelId: 'm1', metrics: { loss: 0.5 }, evaluation: null } };
    spec.given([launched, started(1)]).when({ type: 'CompleteTrainingRun', runId, modelId: 'm1', metrics: { loss: 0.5 }, evaluation: null }).then([completed]);
    spec.given([launched, started(1), completed]).when({ type: 'CompleteTrainingRun', runId, modelId: 'm1', metrics: { loss: 0.5 }, evaluation: null }).then([]);
    spec.given([launched, started(1), completed]).when({ type: 'FailTrainingRun', runId, code: 'internal', message: 'x', step: 1 }).then([]);
    spec.given([launched, started(1), completed]).when(start(2)).then([]);
    spec.given([launched, started(1), completed]).when({ type: 'RequestTrainingCancel', runId }).thenThrows({ kind: 'conflict', code: 'training-run.finished' });
    spec
      .given([launched, started(1)])
      .when({ type: 'FailTrainingRun', runId, code: 'diverged', message: 'loss is NaN', step: 3 })
      .then([{ type: 'TrainingRunFailed', data: { runId, code: 'diverged', message: 'loss is NaN', step: 3 } }]);
  });

  it('knows no command for a run that was never launched', () => spec.given([]).when(start(1)).thenThrows({ kind: 'not-found', code: 'training-run.not-found' }));

  it('offers presets that are valid launches', () => {
    expect(TRAINING_PRESETS.length).toBeGreaterThanOrEqual(2);
    for (const preset of TRAINING_PRESETS) {
      expect(validLaunch({ ...request, method: preset.method, lora: preset.lora ?? undefined, hyperparameters: preset.hyperparameters }).hyperparameters).toEqual(preset.hyperparameters);
    }
  });
});

describe('modelIdFor', () => {
  it('is a UUID derived from the run: the same on every retry, another for another run', () => {
    expect(modelIdFor('r1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(modelIdFor('r1')).toBe(modelIdFor('r1'));
    expect(modelIdFor('r2')).not.toBe(modelIdFor('r1'));
  });
});
