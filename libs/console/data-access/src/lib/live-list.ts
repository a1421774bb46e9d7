import type { EventTopic, RecordedEvent } from '@camel/contracts';
import type { LiveSubscription, SubscriptionHandlers } from './live-events.client';

export type LiveListStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * - `off`: nothing followed (before the first load, after a failed one, after `close`).
 * - `following`: every topic is subscribed; the client resumes them by position after a reconnect.
 * - `refused`: the gateway refused a topic (not retried: the list is not live until reloaded).
 * - `ended`: the server ended a topic (access lost).
 */
export type LiveListLive = 'off' | 'following' | 'refused' | 'ended';

/** A read of the list: its rows and the read position to follow its topics from. */
export interface LiveListPage<T> {
  readonly items: readonly T[];
  readonly position: number;
}

/**
 * What a fold (or a refresh merge) made of the list. `stale`: some rows need what no event carries
 * (a member's email, whether a re-enabled user ever set a password): the list is read again and
 * the source's `refresh.merge` completes them.
 */
export interface LiveFold<T> {
  readonly items: readonly T[];
  readonly stale?: boolean;
}

export interface LiveListState<T> {
  readonly status: LiveListStatus;
  readonly items: readonly T[];
  /** The furthest position the list reflects: the read position, then what the topics delivered. */
  readonly position: number;
  readonly live: LiveListLive;
  /** Why the last load failed (status `error`). */
  readonly error: unknown;
}

/** One list's read, topics and fold; `P` carries whatever else the read returns (a cursor, a header row). */
export interface LiveListSource<T, P extends LiveListPage<T> = LiveListPage<T>> {
  readonly topics: readonly EventTopic[];
  read(): Promise<P>;
  /**
   * Pure. Must be idempotent for events the items already reflect: the read position is the read
   * model's checkpoint taken before the rows, so following from it can deliver events the rows hold.
   * Batches may be delivered in any order within themselves.
   */
  fold(items: readonly T[], events: readonly RecordedEvent[]): LiveFold<T>;
  /** Completes stale rows from a fresh read (`read` defaults to the source's). */
  readonly refresh?: {
    read?(): Promise<LiveListPage<T>>;
    merge(items: readonly T[], fresh: LiveListPage<T>): LiveFold<T>;
  };
  /** The page of a load that is still current, after its rows were taken. */
  loaded?(page: P): void;
  /** Live events just folded in (side effects: a toast, reloading who the user is). */
  applied?(events: readonly RecordedEvent[]): void;
  /** A topic reached the live tail (again after every reconnect or resync). */
  caughtUp?(position: number): void;
}

/** Follows a topic from a position (exclusive): `LiveEventsClient.subscribe`, or the console's wrapper of it. */
export type LiveFollow = (topic: EventTopic, after: number, handlers: SubscriptionHandlers) => LiveSubscription;

export interface LiveListOptions {
  readonly follow: LiveFollow;
  /** Pauses between the reads of a refresh, while the read model catches up with the events. */
  readonly refreshPausesMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
}

const REFRESH_PAUSES_MS: readonly number[] = [0, 100, 250, 500, 1000, 2000];

const IDLE: LiveListState<never> = { status: 'idle', items: [], position: 0, live: 'off', error: undefined };

/**
 * One live list: read it over REST at a read position, follow its topics from that position and
 * fold the events in. A load started later wins over one still in flight (every answer is checked
 * against the load it belongs to); closing drops everything still in flight. The client resumes
 * each topic from the last position it received after a reconnect or a `resync`, so the fold
 * sees each event once; rows the events cannot complete are read again (`refresh`). Framework-free:
 * the console wraps it in signals.
 */
export class LiveList<T, P extends LiveListPage<T> = LiveListPage<T>> {
  private current: LiveListState<T> = IDLE;
  private readonly listeners = new Set<(state: LiveListState<T>) => void>();
  private source: LiveListSource<T, P> | undefined;
  private subscriptions: LiveSubscription[] = [];
  private generation = 0;
  private closed = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private readonly pauses: readonly number[];
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LiveListOptions) {
    this.pauses = options.refreshPausesMs ?? REFRESH_PAUSES_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get state(): LiveListState<T> {
    return this.current;
  }

  /** Calls the listener with the current state, then on every change; returns an unsubscribe. */
  onChange(listener: (state: LiveListState<T>) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads `source` and follows it, replacing whatever was loaded before. `clear` empties the rows
   * at once (another project's list); otherwise the old rows show until the new ones arrive.
   * Resolves when the read is done (or overtaken); a failed read leaves status `error`.
   */
  async load(source: LiveListSource<T, P>, { clear = false }: { clear?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.generation += 1;
    const isCurrent = this.ticket();
    this.source = source;
    this.unfollow();
    this.set({ status: 'loading', live: 'off', error: undefined, ...(clear ? { items: [], position: 0 } : {}) });
    let page: P;
    try {
      page = await source.read();
    } catch (error) {
      if (isCurrent()) this.set({ status: 'error', error });
      return;
    }
    if (!isCurrent()) return;
    this.set({ status: 'ready', items: page.items, position: page.position, live: 'following' });
    source.loaded?.(page);
    if (!isCurrent()) return;
    this.subscriptions = source.topics.map((topic) => this.options.follow(topic, page.position, this.handlers(source, isCurrent)));
  }

  /**
   * A check for answers that belong to the list as loaded now: false once a newer load started or
   * the list closed. For requests beside the load (an older page, a save) that must not land in a
   * newer list.
   */
  ticket(): () => boolean {
    const generation = this.generation;
    return () => !this.closed && generation === this.generation;
  }

  /** Changes the rows in place (a row the api just returned, an older page). */
  update(change: (items: readonly T[]) => readonly T[]): void {
    if (this.current.status !== 'ready') return;
    this.set({ items: change(this.current.items) });
  }

  /**
   * Reads the list again and merges it in with the source's `refresh.merge`, again after a pause
   * while rows stay stale. One refresh at a time; a call during one runs another after it.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain && !this.closed);
    };
    this.refreshing = run().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  close(): void {
    this.closed = true;
    this.unfollow();
    this.set({ live: 'off' });
    this.listeners.clear();
  }

  private async refreshOnce(): Promise<void> {
    const source = this.source;
    const refresh = source?.refresh;
    if (!source || !refresh || this.current.status !== 'ready') return;
    const isCurrent = this.ticket();
    const read = refresh.read ?? (() => source.read());
    for (const pause of this.pauses) {
      if (pause) await this.sleep(pause);
      if (!isCurrent()) return;
      let fresh: LiveListPage<T>;
      try {
        fresh = await read();
      } catch {
        // The reader reports its own failures (the console toasts them); the rows stay as they are.
        return;
      }
      if (!isCurrent()) return;
      const merged = refresh.merge(this.current.items, fresh);
      this.set({ items: merged.items, position: Math.max(this.current.position, fresh.position) });
      if (!merged.stale) return;
    }
  }

  private handlers(source: LiveListSource<T, P>, isCurrent: () => boolean): SubscriptionHandlers {
    return {
      onEvents: (events, position) => {
        if (!isCurrent()) return;
        const folded = source.fold(this.current.items, events);
        this.set({ items: folded.items, position: Math.max(this.current.position, position) });
        source.applied?.(events);
        if (folded.stale) void this.refresh();
      },
      onCaughtUp: (position) => {
        if (!isCurrent()) return;
        if (position > this.current.position) this.set({ position });
        source.caughtUp?.(position);
      },
      onError: () => isCurrent() && this.set({ live: 'refused' }),
      onEnded: () => isCurrent() && this.set({ live: 'ended' }),
    };
  }

  private unfollow(): void {
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions = [];
  }

  private set(patch: Partial<LiveListState<T>>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }
}
