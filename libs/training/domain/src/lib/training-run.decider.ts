import {
  DomainError,
  TRAINING_RUN_FINAL,
  type LaunchTrainingRunRequest,
  type ProjectStatus,
  type TrainingCheckpointSaved,
  type TrainingProgressRecorded,
  type TrainingRunCompleted,
  type TrainingRunEvent,
  type TrainingRunFailed,
  type TrainingRunStarted,
  type TrainingRunStatus,
} from '@camel/contracts';
import { formatUuid, type Decider } from '@camel/kernel';
import { createHash } from 'node:crypto';
import { validLaunch } from './launch';

export type TrainingRunCommand =
  | {
      readonly type: 'LaunchTrainingRun';
      readonly runId: string;
      readonly projectId: string;
      /** Loaded by the handler from the projects read model. */
      readonly projectStatus: ProjectStatus | 'none';
      readonly request: LaunchTrainingRunRequest;
      /** The registry's id of `request.baseModel` (resolved by the handler). */
      readonly baseModelId: string;
      readonly datasetContentHash: string;
    }
  | ({ readonly type: 'StartTrainingAttempt' } & TrainingRunStarted['data'])
  | ({ readonly type: 'RecordTrainingProgress' } & TrainingProgressRecorded['data'])
  | ({ readonly type: 'SaveTrainingCheckpoint' } & TrainingCheckpointSaved['data'])
  | { readonly type: 'RequestTrainingCancel'; readonly runId: string }
  | ({ readonly type: 'CompleteTrainingRun' } & TrainingRunCompleted['data'])
  | ({ readonly type: 'FailTrainingRun' } & TrainingRunFailed['data'])
  | { readonly type: 'CancelTrainingRun'; readonly runId: string; readonly step: number };

export interface TrainingRunState {
  readonly status: TrainingRunStatus | 'none';
  readonly projectId: string | null;
  readonly attempts: number;
  /** The last step recorded as progress. */
  readonly step: number;
  readonly checkpointStep: number;
  readonly modelId: string | null;
}

export const isFinal = (status: TrainingRunState['status']): boolean => TRAINING_RUN_FINAL.includes(status as TrainingRunStatus);

export const trainingRunNotFound = (runId: string) => DomainError.notFound('training-run.not-found', `training run ${runId} does not exist`);

/**
 * A training run: launched (queued), started by a training process (again after a lost worker,
 * with a higher attempt), progress and checkpoints, then exactly one of completed / failed /
 * cancelled. Everything a retried job may repeat (a start of the same attempt, progress or a
 * checkpoint already recorded, a final event after the run ended) decides nothing.
 */
export const trainingRunDecider: Decider<TrainingRunCommand, TrainingRunEvent, TrainingRunState> = {
  initialState: { status: 'none', projectId: null, attempts: 0, step: 0, checkpointStep: 0, modelId: null },

  decide(command, state) {
    const runId = command.runId;
    if (command.type === 'LaunchTrainingRun') {
      if (state.status !== 'none') throw DomainError.conflict('training-run.exists', `training run ${runId} exists`);
      if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
      if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', 'the project is archived');
      const launch = validLaunch(command.request);
      return [
        {
          type: 'TrainingRunLaunched',
          data: {
            runId,
            projectId: command.projectId,
            modelName: launch.modelName,
            description: launch.description,
            datasetId: launch.datasetId,
            datasetVersion: launch.datasetVersion,
            datasetContentHash: command.datasetContentHash,
            baseModelId: command.baseModelId,
            method: launch.method,
            lora: launch.lora,
            hyperparameters: launch.hyperparameters,
            seed: launch.seed,
          },
        },
      ];
    }
    if (state.status === 'none') throw trainingRunNotFound(runId);
    const final = isFinal(state.status);
    switch (command.type) {
      case 'StartTrainingAttempt': {
        if (final || command.attempt <= state.attempts) return [];
        const { type: _type, ...data } = command;
        return [{ type: 'TrainingRunStarted', data }];
      }
      case 'RecordTrainingProgress': {
        const steps = command.steps.filter((s) => s.step > state.step);
        if (final || steps.length === 0) return [];
        return [{ type: 'TrainingProgressRecorded', data: { runId, steps, totalSteps: command.totalSteps, etaSeconds: command.etaSeconds } }];
      }
      case 'SaveTrainingCheckpoint':
        if (final || command.step <= state.checkpointStep) return [];
        return [{ type: 'TrainingCheckpointSaved', data: { runId, step: command.step, path: command.path } }];
      case 'RequestTrainingCancel':
        if (final) throw DomainError.conflict('training-run.finished', `training run ${runId} is ${state.status}`);
        if (state.status === 'cancelling') return [];
        // Nothing runs yet: cancelled at once (the job, when it comes, finds the run final).
        if (state.status === 'queued') return [{ type: 'TrainingCancelRequested', data: { runId } }, { type: 'TrainingRunCancelled', data: { runId, step: 0 } }];
        return [{ type: 'TrainingCancelRequested', data: { runId } }];
      case 'CompleteTrainingRun':
        if (final) return [];
        return [{ type: 'TrainingRunCompleted', data: { runId, modelId: command.modelId, metrics: command.metrics, evaluation: command.evaluation } }];
      case 'FailTrainingRun':
        if (final) return [];
        return [{ type: 'TrainingRunFailed', data: { runId, code: command.code, message: command.message, step: command.step } }];
      case 'CancelTrainingRun':
        if (final) return [];
        return [{ type: 'TrainingRunCancelled', data: { runId, step: command.step } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'TrainingRunLaunched':
        return { ...state, status: 'queued', projectId: event.data.projectId };
      case 'TrainingRunStarted':
        return { ...state, status: state.status === 'cancelling' ? 'cancelling' : 'running', attempts: event.data.attempt };
      case 'TrainingProgressRecorded':
        return { ...state, step: Math.max(state.step, ...event.data.steps.map((s) => s.step)) };
      case 'TrainingCheckpointSaved':
        return { ...state, checkpointStep: event.data.step };
      case 'TrainingCancelRequested':
        return { ...state, status: 'cancelling' };
      case 'TrainingRunCompleted':
        return { ...state, status: 'completed', modelId: event.data.modelId };
      case 'TrainingRunFailed':
        return { ...state, status: 'failed' };
      case 'TrainingRunCancelled':
        return { ...state, status: 'cancelled' };
    }
  },
};

/** The id of the model a run registers: derived from the run, so a retried job registers the same model. */
export function modelIdFor(runId: string): string {
  const bytes = createHash('sha1').update(`camel-training-model\n${runId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
}
