/** Parent ↔ api process messages of the annotations benchmark. */
export type ApiRequest =
  /** Log entries for `projectId`: `entries` turns as the logs projection would hold them. */
  | { readonly type: 'seed'; readonly projectId: string; readonly entries: number }
  | { readonly type: 'stop' };

export type ApiReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'seeded'; readonly entryIds: readonly string[]; readonly seconds: number }
  | { readonly type: 'error'; readonly message: string };
