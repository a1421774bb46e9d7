import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { permissions, type ConfigFiles, type ConfigProblem, type ConfigVersionView, type ProjectView, type RecordedEvent } from '@camel/contracts';
import {
  ApiError,
  changedConfigPaths,
  configStaleDetails,
  isConfigEvent,
  mergeConfigSets,
  mergeConfigVersions,
  sameConfigFiles,
  sortConfigPaths,
  type ConfigStaleDetails,
  type LiveSubscription,
} from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { LiveEventsService } from '../../core/live-events.service';
import { ToastService } from '../../core/toast.service';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** Validation runs this long after the last keystroke. */
export const VALIDATE_DEBOUNCE_MS = 300;

export interface BaseVersion {
  readonly version: number;
  readonly files: ConfigFiles;
}

/**
 * One project's config set being edited: the version the edits started from (`base`), the working
 * copy (`files`), its problems (validated by the api as the user types), and the history, kept live
 * from the project's `ConfigVersionSaved` events. Without unsaved edits a newer version is loaded
 * as it arrives; with edits, `newerAvailable` says so and the page offers to merge or reload.
 * Provided by the configs page.
 */
@Injectable()
export class ConfigsStore {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly live = inject(LiveEventsService);
  private readonly toast = inject(ToastService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly projectIdSignal = signal('');
  private readonly projectSignal = signal<ProjectView | null>(null);
  private readonly loadStateSignal = signal<LoadState>('idle');
  private readonly baseSignal = signal<BaseVersion>({ version: 0, files: {} });
  private readonly filesSignal = signal<ConfigFiles>({});
  private readonly versionsSignal = signal<ConfigVersionView[]>([]);
  private readonly problemsSignal = signal<readonly ConfigProblem[]>([]);
  private readonly validatingSignal = signal(false);
  private readonly savingSignal = signal(false);
  private readonly staleSignal = signal<ConfigStaleDetails | null>(null);
  private readonly conflictsSignal = signal<readonly string[]>([]);
  private readonly liveRefused = signal(false);
  private readonly namesSignal = signal<ReadonlyMap<string, string>>(new Map());
  /** Bumped whenever the working copy is replaced wholesale (load, merge): editors start afresh. */
  private readonly loadCount = signal(0);

  private subscription: LiveSubscription | undefined;
  private generation = 0;
  private destroyed = false;
  private validationTimer: ReturnType<typeof setTimeout> | undefined;
  private validationSeq = 0;

  readonly projectId = this.projectIdSignal.asReadonly();
  readonly project = this.projectSignal.asReadonly();
  readonly state = this.loadStateSignal.asReadonly();
  readonly base = this.baseSignal.asReadonly();
  readonly files = this.filesSignal.asReadonly();
  readonly versions = this.versionsSignal.asReadonly();
  /** The working copy's problems (after a refused save or import: the api's answer). */
  readonly problems = this.problemsSignal.asReadonly();
  readonly validating = this.validatingSignal.asReadonly();
  readonly saving = this.savingSignal.asReadonly();
  /** The last save was refused as stale (409): the versions and the diff between them. */
  readonly stale = this.staleSignal.asReadonly();
  /** Files a merge left with conflict markers (or deleted on one side). */
  readonly mergeConflicts = this.conflictsSignal.asReadonly();
  readonly notLive = this.liveRefused.asReadonly();
  readonly resetKey = this.loadCount.asReadonly();

  readonly paths = computed(() => sortConfigPaths(Object.keys(this.filesSignal())));
  readonly changedPaths = computed(() => new Set(changedConfigPaths(this.baseSignal().files, this.filesSignal())));
  readonly dirty = computed(() => !sameConfigFiles(this.baseSignal().files, this.filesSignal()));
  readonly latestVersion = computed(() => Math.max(this.baseSignal().version, this.versionsSignal()[0]?.version ?? 0));
  readonly newerAvailable = computed(() => this.latestVersion() > this.baseSignal().version);
  readonly archived = computed(() => this.projectSignal()?.status === 'archived');
  readonly canWrite = computed(() => this.auth.canIn(permissions.writeConfig, this.projectIdSignal()) && !this.archived());

  constructor() {
    this.destroyRef.onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.validationTimer);
    });
  }

  async load(projectId: string): Promise<void> {
    const generation = ++this.generation;
    this.projectIdSignal.set(projectId);
    this.subscription?.close();
    this.subscription = undefined;
    clearTimeout(this.validationTimer);
    this.loadStateSignal.set('loading');
    this.liveRefused.set(false);
    this.projectSignal.set(null);
    this.versionsSignal.set([]);
    this.problemsSignal.set([]);
    this.staleSignal.set(null);
    this.conflictsSignal.set([]);
    this.namesSignal.set(new Map());
    this.adopt({ version: 0, files: {} });
    try {
      // Read first: a position every later read reflects, to follow the project's events from
      // (GET …/configs/versions sends no read position of its own).
      const projects = await this.api.listProjects('all');
      if (this.stopped(generation)) return;
      this.projectSignal.set(projects.projects.find((project) => project.id === projectId) ?? null);
      const [current, versions] = await Promise.all([this.api.getConfig(projectId), this.api.listConfigVersions(projectId)]);
      if (this.stopped(generation)) return;
      this.adopt({ version: current.version, files: current.files });
      this.versionsSignal.set(mergeConfigVersions(versions.items, [], projectId));
      this.loadStateSignal.set('ready');
      this.subscription = this.live.follow(
        { kind: 'project', projectId },
        versions.position || projects.position,
        {
          onEvents: (events) => this.onEvents(events, generation),
          // Whatever the read models had not caught up with at the first read is there now.
          onCaughtUp: () => void this.refreshVersions(generation),
          onError: () => this.liveRefused.set(true),
          onEnded: () => this.liveRefused.set(true),
        },
        this.destroyRef,
      );
      this.scheduleValidation(0);
      this.api.listMembers(projectId).then(
        ({ items }) => !this.stopped(generation) && this.namesSignal.set(new Map(items.map((member) => [`user:${member.userId}`, member.name || member.email]))),
        () => undefined,
      );
    } catch {
      // ApiService has shown the server's message.
      if (generation === this.generation) this.loadStateSignal.set('error');
    }
  }

  /** `you`, a member's name, or the actor's kind and a short id. */
  actorLabel(actor: string): string {
    const me = this.auth.me()?.actor;
    if (me && actor === `${me.type}:${me.id}`) return 'you';
    const name = this.namesSignal().get(actor);
    if (name) return name;
    const [type, id = ''] = actor.split(':');
    return type === 'api-key' ? `API key ${id.slice(0, 8)}` : type === 'user' ? `user ${id.slice(0, 8)}` : type || 'unknown';
  }

  // ---- editing ----------------------------------------------------------------------------------

  setFile(path: string, text: string): void {
    if (this.filesSignal()[path] === text) return;
    this.filesSignal.update((files) => ({ ...files, [path]: text }));
    this.scheduleValidation();
  }

  removeFile(path: string): void {
    if (!(path in this.filesSignal())) return;
    this.filesSignal.update((files) => Object.fromEntries(Object.entries(files).filter(([key]) => key !== path)));
    this.conflictsSignal.update((paths) => paths.filter((candidate) => candidate !== path));
    this.scheduleValidation();
  }

  /** Back to the base version's files. */
  discardEdits(): void {
    this.adopt(this.baseSignal());
  }

  // ---- versions ---------------------------------------------------------------------------------

  /** Saves the working copy on top of the base version; resolves true when saved. */
  async save(message: string): Promise<boolean> {
    if (this.savingSignal()) return false;
    const generation = this.generation;
    const projectId = this.projectIdSignal();
    const files = this.filesSignal();
    this.savingSignal.set(true);
    try {
      const accepted = await this.api.saveConfig(projectId, this.baseSignal().version, files, message);
      if (this.stopped(generation)) return false;
      if (accepted.version >= this.baseSignal().version) this.baseSignal.set({ version: accepted.version, files });
      this.staleSignal.set(null);
      this.conflictsSignal.set([]);
      void this.refreshVersions(generation);
      return true;
    } catch (error) {
      if (this.stopped(generation)) return false;
      const stale = configStaleDetails(error);
      if (stale) {
        this.staleSignal.set(stale);
        void this.refreshVersions(generation);
      } else if (error instanceof ApiError && error.problems.length > 0 && this.filesSignal() === files) {
        this.problemsSignal.set(error.problems);
      }
      return false;
    } finally {
      this.savingSignal.set(false);
    }
  }

  /** Replaces the working copy with the latest version (unsaved edits are dropped). */
  async loadLatest(): Promise<void> {
    const generation = this.generation;
    try {
      const current = await this.api.getConfig(this.projectIdSignal());
      if (this.stopped(generation)) return;
      const { files, ...row } = current;
      this.adopt({ version: current.version, files });
      if (row.version > 0) this.versionsSignal.update((list) => mergeConfigVersions(list, [row], row.projectId));
    } catch {
      // ApiService has shown the server's message.
    }
  }

  /**
   * Rebases the unsaved edits onto the latest version (three-way, line by line). Files both sides
   * changed differently get conflict markers, which validation then points at.
   */
  async mergeLatest(): Promise<readonly string[]> {
    const generation = this.generation;
    try {
      const latest = await this.api.getConfig(this.projectIdSignal());
      if (this.stopped(generation)) return [];
      const merged = mergeConfigSets(this.baseSignal().files, this.filesSignal(), latest.files, {
        mine: 'your edits',
        theirs: `version ${latest.version}`,
      });
      this.baseSignal.set({ version: latest.version, files: latest.files });
      this.filesSignal.set(merged.files);
      this.loadCount.update((count) => count + 1);
      this.staleSignal.set(null);
      this.conflictsSignal.set(merged.conflicts);
      this.scheduleValidation(0);
      return merged.conflicts;
    } catch {
      return [];
    }
  }

  /** Appends `version`'s files as the newest version. */
  async restore(version: number): Promise<boolean> {
    const generation = this.generation;
    try {
      await this.api.restoreConfigVersion(this.projectIdSignal(), version, this.latestVersion());
      if (this.stopped(generation)) return false;
      await this.refreshVersions(generation);
      if (!this.dirty()) await this.loadLatest();
      return true;
    } catch {
      void this.refreshVersions(generation);
      return false;
    }
  }

  /** Imports a bundle as the newest version; on 400 resolves with the problems (nothing was imported). */
  async import(bundle: string, message: string): Promise<{ ok: true } | { ok: false; problems: readonly ConfigProblem[] }> {
    const generation = this.generation;
    try {
      await this.api.importConfig(this.projectIdSignal(), this.latestVersion(), bundle, message);
      if (!this.stopped(generation)) await this.loadLatest();
      return { ok: true };
    } catch (error) {
      return { ok: false, problems: error instanceof ApiError ? error.problems : [] };
    }
  }

  /** Reads the history again (e.g. after a save, when the live event is not there yet). */
  async refreshVersions(generation = this.generation): Promise<void> {
    try {
      const { items } = await this.api.listConfigVersions(this.projectIdSignal());
      if (this.stopped(generation)) return;
      this.versionsSignal.update((list) => mergeConfigVersions(list, items, this.projectIdSignal()));
      if (this.newerAvailable() && !this.dirty() && !this.savingSignal()) await this.loadLatest();
    } catch {
      // ApiService has shown the server's message.
    }
  }

  // ---- live -------------------------------------------------------------------------------------

  private onEvents(events: readonly RecordedEvent[], generation: number): void {
    if (this.stopped(generation)) return;
    const projectId = this.projectIdSignal();
    const saved = events.filter(isConfigEvent).filter((event) => event.data.projectId === projectId);
    if (saved.length === 0) return;
    this.versionsSignal.update((list) => mergeConfigVersions(list, saved, projectId));
    const newest = saved.reduce((a, b) => (b.data.version > a.data.version ? b : a));
    const { version, files } = newest.data;
    if (version <= this.baseSignal().version) return;
    if (sameConfigFiles(files, this.filesSignal())) {
      // Our own save (its answer may still be on the way), or the same edit: nothing to merge.
      this.baseSignal.set({ version, files: this.filesSignal() });
    } else if (!this.dirty() && !this.savingSignal()) {
      this.adopt({ version, files });
      const actor = `${newest.metadata.actor.type}:${newest.metadata.actor.id}`;
      this.toast.info(`Version ${version} (saved by ${this.actorLabel(actor)}) is loaded.`);
    }
    // Otherwise: unsaved edits on an older version; `newerAvailable` makes the page say so.
  }

  // ---- validation -------------------------------------------------------------------------------

  private scheduleValidation(delayMs = VALIDATE_DEBOUNCE_MS): void {
    clearTimeout(this.validationTimer);
    this.validationTimer = setTimeout(() => void this.validateNow(), delayMs);
  }

  /** Validates the whole working copy; an answer for an older text is dropped. */
  private async validateNow(): Promise<void> {
    const generation = this.generation;
    const files = this.filesSignal();
    const seq = ++this.validationSeq;
    if (Object.keys(files).length === 0) {
      this.problemsSignal.set([]);
      return;
    }
    this.validatingSignal.set(true);
    try {
      const result = await this.api.validateConfig(this.projectIdSignal(), files);
      if (this.stopped(generation) || seq !== this.validationSeq || this.filesSignal() !== files) return;
      this.problemsSignal.set(result.problems);
    } catch {
      // ApiService has shown the server's message; the last problems stay.
    } finally {
      if (seq === this.validationSeq) this.validatingSignal.set(false);
    }
  }

  private adopt(base: BaseVersion): void {
    this.baseSignal.set(base);
    this.filesSignal.set(base.files);
    this.loadCount.update((count) => count + 1);
    this.staleSignal.set(null);
    this.conflictsSignal.set([]);
    if (this.loadStateSignal() === 'ready') this.scheduleValidation(0);
  }

  private stopped(generation: number): boolean {
    return this.destroyed || generation !== this.generation;
  }
}
