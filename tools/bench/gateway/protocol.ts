/** Messages between the benchmark's main process and its api and client child processes (IPC). */
import type { EventTopic } from '@camel/contracts';
import type { SerializedHistogram } from './histogram';

export type Engine = 'postgres' | 'sqlite';
export type ClientKind = 'raw' | 'typed' | 'light';

/** Gateway variants the api process can run (variants.ts). */
export const VARIANTS = ['shipped', 'plain-emit'] as const;
export type Variant = (typeof VARIANTS)[number];

export const PROJECT_ID = 'bench-project';
export const TYPE_PREFIX = 'Bench';

/** Half the clients follow the project, half the event type family: both match every event written. */
export const topicFor = (clientIndex: number): EventTopic =>
  clientIndex % 2 === 0 ? { kind: 'project', projectId: PROJECT_ID } : { kind: 'type', prefix: TYPE_PREFIX };

export interface WriterConfig {
  readonly rate: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Streams written round-robin; appends to one stream are sequential (exact expected version). */
  readonly streams: number;
}

export interface WriterResult {
  /** Every appended event's position and the time its append() resolved (clock.ts), in append order. */
  readonly positions: number[];
  readonly commitTimes: number[];
  /** 1 when the append was scheduled in the measured window (after the warm-up). */
  readonly measured: number[];
  /** Appends of the measured window per second of that window, as achieved. */
  readonly measuredRate: number;
  /** The writer stopped early: it fell more than 10 s behind its schedule. */
  readonly gaveUp: boolean;
  /** Latest an append started behind its schedule (ms). */
  readonly maxScheduleLagMs: number;
  /** append() call → resolve, measured window. */
  readonly appendLatency: SerializedHistogram;
}

/** Positions the api's fanout handed to its listeners, with the time the batch arrived (clock.ts). */
export interface FanoutTrace {
  readonly positions: number[];
  readonly times: number[];
  /** Per batch: arrival time, events, and how long the synchronous fanout to every subscription took (ms). */
  readonly batchTimes: number[];
  readonly batchSizes: number[];
  readonly batchDurations: number[];
}

export type ApiRequest =
  | { readonly type: 'write'; readonly config: WriterConfig }
  | { readonly type: 'trace' }
  | { readonly type: 'stop' };

export type ApiReply =
  /** `token`: the first owner's access token, for the clients' handshake (`auth: { token }`). */
  | { readonly type: 'ready'; readonly port: number; readonly token: string }
  | { readonly type: 'written'; readonly result: WriterResult }
  | { readonly type: 'trace'; readonly trace: FanoutTrace }
  | { readonly type: 'error'; readonly message: string };

export interface ClientStart {
  readonly type: 'start';
  readonly url: string;
  /** Access token every client presents in its handshake. */
  readonly token: string;
  readonly kind: ClientKind;
  readonly firstIndex: number;
  readonly count: number;
  readonly after: number;
}

export type ClientRequest =
  | ClientStart
  | { readonly type: 'wait-for'; readonly position: number; readonly timeoutMs: number }
  | {
      readonly type: 'report';
      /** Every position written, ascending, with its commit and fanout times (NaN: unknown). */
      readonly positions: number[];
      readonly commitTimes: number[];
      readonly fanoutTimes: number[];
      readonly measured: number[];
    }
  | { readonly type: 'stop' };

export interface ClientCounts {
  /** Deliveries of measured-window events. */
  readonly delivered: number;
  /** Over every event written (warm-up included), summed over clients. */
  readonly missing: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Positions received that the writer never wrote. */
  readonly unexpected: number;
  readonly messages: number;
  readonly events: number;
  readonly resyncs: number;
  readonly disconnects: number;
  /** Clients that received every event exactly once, in order. */
  readonly correctClients: number;
}

export type ClientReply =
  | { readonly type: 'ready'; readonly connectMs: number }
  | { readonly type: 'reached'; readonly ok: boolean; readonly behind: number }
  | {
      readonly type: 'result';
      readonly counts: ClientCounts;
      /** Writer's append() resolved → client received. */
      readonly commitToReceive: SerializedHistogram;
      /** The api's fanout got the batch → client received. */
      readonly fanoutToReceive: SerializedHistogram;
      /** Event-loop delay of the client process during the run (ms). */
      readonly loopDelayP99: number;
      readonly loopDelayMax: number;
    }
  | { readonly type: 'error'; readonly message: string };
