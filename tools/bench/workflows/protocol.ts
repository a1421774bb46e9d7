/** Messages between workflows.bench.ts and its child processes (api-process.ts, direct-process.ts). */

/** Event-loop delay of the measured window, ms: how late a 10 ms timer fired (histogram value − 10 ms). */
export interface LoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface RunSample {
  readonly status: string;
  readonly turns: number;
  /** RunStarted → RunCompleted (or the run's last event), from the events' injected clock. */
  readonly durationMs: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Latency of each model call as the provider recorded it. */
  readonly callLatenciesMs: readonly number[];
}

export interface ApiResult {
  readonly runs: readonly RunSample[];
  readonly loopDelay: LoopDelay;
  /** % of one core over the measured window. */
  readonly cpuPercent: number;
}

export interface DirectResult {
  readonly calls: number;
  /** Connection errors retried (not counted as calls). */
  readonly retried: number;
  readonly seconds: number;
  /** Per loop: first call sent → last answer read. */
  readonly loopMs: readonly number[];
  readonly callMs: readonly number[];
  readonly loopDelay: LoopDelay;
  readonly cpuPercent: number;
}

export type ApiRequest =
  | { readonly type: 'measure' }
  | { readonly type: 'progress' }
  | { readonly type: 'finish'; readonly projectId: string; readonly runIds: readonly string[] }
  | { readonly type: 'stop' };

export type ApiReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'measuring' }
  | { readonly type: 'progress'; readonly unfinished: number }
  | { readonly type: 'finished'; readonly result: ApiResult }
  | { readonly type: 'error'; readonly message: string };

export type DirectRequest =
  | { readonly type: 'run'; readonly url: string; readonly callsPerLoop: readonly number[] }
  | { readonly type: 'stop' };

export type DirectReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly result: DirectResult }
  | { readonly type: 'error'; readonly message: string };
