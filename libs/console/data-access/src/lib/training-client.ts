import {
  TRAINING_RUN_EVENT_TYPES,
  TRAINING_RUN_STREAM_TYPE,
  type LaunchTrainingRunRequest,
  type RecordedEvent,
  type TrainingProgressRecorded,
  type TrainingPresetList,
  type TrainingRunAccepted,
  type TrainingRunDetail,
  type TrainingRunList,
  type TrainingRunView,
  type TrainingStepMetrics,
} from '@camel/contracts';
import type { ApiClient } from './api-client';
import { readPosition } from './http';
import type { LiveListSource } from './live-list';
import { readAgainSource } from './read-again-source';

const encode = encodeURIComponent;
const runsPath = (projectId: string) => `/api/projects/${encode(projectId)}/training-runs`;
const runPath = (projectId: string, runId: string) => `${runsPath(projectId)}/${encode(runId)}`;

/** A run's detail with the read position it reflects (the `x-read-position` header, 0 when absent). */
export type TrainingRunDetailRead = TrainingRunDetail & { readonly position: number };

/** The training routes (`libs/contracts/src/lib/training.ts`), typed, over an `ApiClient`. */
export class TrainingClient {
  constructor(private readonly client: ApiClient) {}

  async listRuns(projectId: string): Promise<TrainingRunList> {
    const { body, headers } = await this.client.exchange<TrainingRunList>('GET', runsPath(projectId));
    return { runs: body.runs, position: Math.max(body.position ?? 0, readPosition(headers)) };
  }

  async getRun(projectId: string, runId: string): Promise<TrainingRunDetailRead> {
    const { body, headers } = await this.client.exchange<TrainingRunDetail>('GET', runPath(projectId, runId));
    return { ...body, position: readPosition(headers) };
  }

  /** 201: the run is queued; a refused launch is a 400 whose `fields` name the inputs. */
  launch(projectId: string, request: LaunchTrainingRunRequest): Promise<TrainingRunAccepted> {
    return this.call('POST', runsPath(projectId), request);
  }

  cancel(projectId: string, runId: string): Promise<TrainingRunAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/cancel`);
  }

  presets(): Promise<TrainingPresetList> {
    return this.call('GET', '/api/training/presets');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.client.exchange<T>(method, path, body)).body;
  }
}

export const isTrainingRunEvent = (event: RecordedEvent): boolean =>
  event.streamType === TRAINING_RUN_STREAM_TYPE || (TRAINING_RUN_EVENT_TYPES as readonly string[]).includes(event.type);

const isProgress = (event: RecordedEvent): event is RecordedEvent<'TrainingProgressRecorded', TrainingProgressRecorded['data']> =>
  event.type === 'TrainingProgressRecorded';

/**
 * A run's row after progress events: the latest step's metrics, tokens/s and ETA. Pure and
 * idempotent: steps at or before the row's step change nothing (the read may already hold them).
 */
export function foldTrainingProgress(run: TrainingRunView, events: readonly RecordedEvent[]): TrainingRunView {
  let next = run;
  for (const event of events) {
    if (!isProgress(event) || event.data.runId !== run.id) continue;
    const latest = lastStep(event.data.steps);
    if (!latest || latest.step <= (next.progress?.step ?? 0)) continue;
    next = {
      ...next,
      status: next.status === 'queued' ? 'running' : next.status,
      queuePosition: null,
      progress: {
        step: latest.step,
        totalSteps: event.data.totalSteps,
        epoch: latest.epoch,
        tokensPerSecond: latest.tokensPerSecond,
        etaSeconds: event.data.etaSeconds,
        metrics: latest.metrics,
        checkpointStep: next.progress?.checkpointStep ?? 0,
      },
    };
  }
  return next;
}

const lastStep = (steps: readonly TrainingStepMetrics[]): TrainingStepMetrics | undefined =>
  steps.reduce<TrainingStepMetrics | undefined>((last, step) => (!last || step.step > last.step ? step : last), undefined);

/** The detail after progress events: new steps appended to the history in step order, the run's progress moved. */
export function foldTrainingDetail(detail: TrainingRunDetailRead, events: readonly RecordedEvent[]): TrainingRunDetailRead {
  const known = new Set(detail.history.map((step) => step.step));
  const added: TrainingStepMetrics[] = [];
  for (const event of events) {
    if (!isProgress(event) || event.data.runId !== detail.run.id) continue;
    for (const step of event.data.steps) {
      if (known.has(step.step)) continue;
      known.add(step.step);
      added.push(step);
    }
  }
  const run = foldTrainingProgress(detail.run, events);
  if (added.length === 0 && run === detail.run) return detail;
  return { ...detail, run, history: [...detail.history, ...added].sort((a, b) => a.step - b.step) };
}

/** The fresher progress of two reads of one run (a re-read may answer before progress folded in meanwhile). */
function newerProgress(current: TrainingRunView | undefined, fresh: TrainingRunView): TrainingRunView {
  if (!current?.progress || !fresh.progress || current.progress.step <= fresh.progress.step) return fresh;
  return { ...fresh, progress: { ...current.progress, checkpointStep: Math.max(current.progress.checkpointStep, fresh.progress.checkpointStep) } };
}

/**
 * Progress is folded in as it arrives (a few events per second: no read per event); every other
 * event of a training run (launched, started, checkpoint, cancel, end) reads the rows again. A
 * re-read keeps progress folded in after the position it answers at (`keepNewer`).
 */
function progressAndReadAgain<T>(
  projectId: string,
  read: () => Promise<{ items: readonly T[]; position: number }>,
  concerns: (event: RecordedEvent) => boolean,
  foldProgress: (items: readonly T[], events: readonly RecordedEvent[]) => readonly T[],
  keepNewer: (current: readonly T[], fresh: readonly T[]) => readonly T[],
): LiveListSource<T> {
  const base = readAgainSource<T>([{ kind: 'project', projectId }], read, (event) => concerns(event) && !isProgress(event));
  const merge = base.refresh?.merge ?? ((_items: readonly T[], fresh: { items: readonly T[] }) => ({ items: fresh.items }));
  return {
    ...base,
    fold: (items, events) => base.fold(foldProgress(items, events), events),
    refresh: {
      merge: (items, fresh) => {
        const merged = merge(items, fresh);
        return { ...merged, items: keepNewer(items, merged.items) };
      },
    },
  };
}

/** A project's training runs, live (newest first as the api orders them). */
export function trainingRunListSource(projectId: string, read: () => Promise<TrainingRunList>): LiveListSource<TrainingRunView> {
  return progressAndReadAgain<TrainingRunView>(
    projectId,
    async () => {
      const { runs, position } = await read();
      return { items: runs, position };
    },
    isTrainingRunEvent,
    (runs, events) => runs.map((run) => foldTrainingProgress(run, events)),
    (current, fresh) => {
      const byId = new Map(current.map((run) => [run.id, run]));
      return fresh.map((run) => newerProgress(byId.get(run.id), run));
    },
  );
}

/** One run's detail as a one-row live list: the charts grow with every progress event. */
export function trainingRunDetailSource(projectId: string, runId: string, read: () => Promise<TrainingRunDetailRead>): LiveListSource<TrainingRunDetailRead> {
  return progressAndReadAgain<TrainingRunDetailRead>(
    projectId,
    async () => {
      const detail = await read();
      return { items: [detail], position: detail.position };
    },
    (event) => isTrainingRunEvent(event) && (event.data as { runId?: string } | null)?.runId === runId,
    (items, events) => items.map((detail) => foldTrainingDetail(detail, events)),
    (current, fresh) =>
      fresh.map((detail) => {
        const before = current.find((item) => item.run.id === detail.run.id);
        if (!before) return detail;
        const known = new Set(detail.history.map((step) => step.step));
        const later = before.history.filter((step) => !known.has(step.step));
        const history = later.length ? [...detail.history, ...later].sort((a, b) => a.step - b.step) : detail.history;
        return { ...detail, run: newerProgress(before.run, detail.run), history };
      }),
  );
}
