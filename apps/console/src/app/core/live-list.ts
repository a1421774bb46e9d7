import { DestroyRef, computed, inject, signal, type Signal } from '@angular/core';
import { LiveList, type LiveListPage, type LiveListSource, type LiveListStatus } from '@camel/console-data-access';
import { LiveEventsService } from './live-events.service';

/** A `LiveList` as signals; `load(...args)` reads the source the arguments name. */
export interface LiveListStore<T, A extends readonly unknown[]> {
  readonly items: Signal<readonly T[]>;
  readonly state: Signal<LiveListStatus>;
  /** The furthest event position the rows reflect. */
  readonly position: Signal<number>;
  /** The gateway refused or ended a topic: the rows are not live until reloaded. */
  readonly notLive: Signal<boolean>;
  load(...args: A): Promise<void>;
  update(change: (items: readonly T[]) => readonly T[]): void;
  refresh(): Promise<void>;
  /** False once a newer load started or the page is gone: for answers beside the load. */
  ticket(): () => boolean;
}

export interface LiveListStoreOptions {
  /** Empty the rows when a load starts (the list of another project), instead of showing the old ones meanwhile. */
  readonly clearOnLoad?: boolean;
}

/**
 * The console's one wrapper of `LiveList`: follows through `LiveEventsService` (a refused topic
 * shows a toast) and closes with the injection context it was created in (a page).
 */
export function injectLiveList<T, A extends readonly unknown[], P extends LiveListPage<T> = LiveListPage<T>>(
  sourceOf: (...args: A) => LiveListSource<T, P>,
  options: LiveListStoreOptions = {},
): LiveListStore<T, A> {
  const live = inject(LiveEventsService);
  const destroyRef = inject(DestroyRef);
  const list = new LiveList<T, P>({ follow: (topic, after, handlers) => live.follow(topic, after, handlers, destroyRef) });
  const state = signal(list.state);
  list.onChange((next) => state.set(next));
  destroyRef.onDestroy(() => list.close());
  return {
    items: computed(() => state().items),
    state: computed(() => state().status),
    position: computed(() => state().position),
    notLive: computed(() => state().live === 'refused' || state().live === 'ended'),
    load: (...args) => list.load(sourceOf(...args), { clear: options.clearOnLoad ?? false }),
    update: (change) => list.update(change),
    refresh: () => list.refresh(),
    ticket: () => list.ticket(),
  };
}
