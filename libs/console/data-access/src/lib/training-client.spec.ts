import { TRAINING_DEFAULTS, type RecordedEvent, type TrainingRunView, type TrainingStepMetrics } from '@camel/contracts';
import { LiveList } from './live-list';
import type { SubscriptionHandlers } from './live-events.client';
import { foldTrainingDetail, foldTrainingProgress, trainingRunDetailSource, type TrainingRunDetailRead } from './training-client';

const event = (position: number, type: string, data: unknown): RecordedEvent => ({
  position,
  streamId: 'training-run-r1',
  streamType: 'training-run',
  streamVersion: position,
  id: `e${position}`,
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: { type: 'system', id: 'worker' }, correlationId: 'c', time: '2026-01-01T00:00:00.000Z', projectId: 'p' },
  hash: '',
  recordedAt: '2026-01-01T00:00:00.000Z',
});

const step = (n: number, loss: number): TrainingStepMetrics => ({ step: n, epoch: 0, metrics: { loss }, learningRate: 5e-4, tokensPerSecond: 1000 + n, at: '2026-01-01T00:00:00.000Z' });
const progress = (position: number, steps: TrainingStepMetrics[]) => event(position, 'TrainingProgressRecorded', { runId: 'r1', steps, totalSteps: 10, etaSeconds: 12 });

const run: TrainingRunView = {
  id: 'r1',
  projectId: 'p',
  modelName: 'm',
  description: null,
  datasetId: 'd',
  datasetVersion: 1,
  baseModelId: 'starter',
  method: 'dpo',
  lora: null,
  hyperparameters: TRAINING_DEFAULTS,
  seed: 1,
  status: 'queued',
  queuePosition: 0,
  progress: null,
  backend: null,
  attempts: 0,
  modelId: null,
  failure: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u',
  startedAt: null,
  finishedAt: null,
};

describe('training run folds', () => {
  it('moves a row to the latest step of its progress events, once', () => {
    const moved = foldTrainingProgress(run, [progress(5, [step(1, 0.69), step(2, 0.6)])]);
    expect(moved.status).toBe('running');
    expect(moved.progress).toMatchObject({ step: 2, totalSteps: 10, etaSeconds: 12, metrics: { loss: 0.6 }, tokensPerSecond: 1002 });
    expect(foldTrainingProgress(moved, [progress(5, [step(1, 0.69), step(2, 0.6)])])).toBe(moved);
    expect(foldTrainingProgress(moved, [event(6, 'TrainingProgressRecorded', { runId: 'other', steps: [step(9, 0.1)], totalSteps: 10, etaSeconds: 1 })])).toBe(moved);
  });

  it('appends new steps to the history in step order and ignores those it holds', () => {
    const detail: TrainingRunDetailRead = { run, history: [step(1, 0.69)], evaluation: null, position: 4 };
    const next = foldTrainingDetail(detail, [progress(7, [step(3, 0.5)]), progress(6, [step(1, 0.69), step(2, 0.6)])]);
    expect(next.history.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(next.run.progress?.step).toBe(3);
  });

  it('keeps progress folded in after the position a re-read answers at', async () => {
    let handlers: SubscriptionHandlers | undefined;
    const reads: TrainingRunDetailRead[] = [
      { run, history: [], evaluation: null, position: 4 },
      // Read after the checkpoint event (position 6): it holds step 1 but not step 2 (position 7).
      { run: { ...run, status: 'running', progress: { step: 1, totalSteps: 10, epoch: 0, tokensPerSecond: 1001, etaSeconds: 12, metrics: { loss: 0.69 }, checkpointStep: 1 } }, history: [step(1, 0.69)], evaluation: null, position: 6 },
    ];
    let served = 0;
    const list = new LiveList<TrainingRunDetailRead>({
      follow: (topic, _after, h) => {
        handlers = h;
        return { topic, position: 0, caughtUp: true, close: () => undefined };
      },
      refreshPausesMs: [0],
      sleep: async () => undefined,
    });
    await list.load(trainingRunDetailSource('p', 'r1', async () => reads[Math.min(served++, reads.length - 1)] as TrainingRunDetailRead));
    handlers?.onEvents([progress(5, [step(1, 0.69)]), event(6, 'TrainingCheckpointSaved', { runId: 'r1', step: 1, path: 'x' }), progress(7, [step(2, 0.6)])], 7);
    await new Promise<void>((resolve) => list.onChange((state) => state.items[0]?.run.progress?.checkpointStep === 1 && resolve()));
    const [detail] = list.state.items;
    expect(served).toBe(2);
    expect(detail?.history.map((s) => s.step)).toEqual([1, 2]);
    expect(detail?.run.progress).toMatchObject({ step: 2, checkpointStep: 1 });
  });
});
