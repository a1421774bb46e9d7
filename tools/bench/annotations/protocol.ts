/** Parent ↔ api process messages of the annotations benchmark. */
export type ApiRequest =
  /** Log entries for `projectId`: `entries` turns as the logs projection would hold them. */
  | { readonly type: 'seed'; readonly projectId: string; readonly entries: number }
  /** Start the V8 CPU profiler (`--cpu-prof=DIR`: the measured rounds only, not the seeding). */
  | { readonly type: 'profile-start' }
  /** Stop it and write the profile to `path` (open it in Chrome DevTools or speedscope). */
  | { readonly type: 'profile-stop'; readonly path: string }
  /** Count the SQL statements from now on (`--count-statements`; the api was started with BENCH_COUNT_STATEMENTS=1). */
  | { readonly type: 'count-start' }
  /** Stop counting and answer the counts by statement kind. */
  | { readonly type: 'count-stop' }
  | { readonly type: 'stop' };

export type ApiReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'seeded'; readonly entryIds: readonly string[]; readonly seconds: number }
  | { readonly type: 'profiling' }
  | { readonly type: 'profiled'; readonly path: string }
  | { readonly type: 'counting' }
  | { readonly type: 'counted'; readonly statements: Readonly<Record<string, number>> }
  | { readonly type: 'error'; readonly message: string };
