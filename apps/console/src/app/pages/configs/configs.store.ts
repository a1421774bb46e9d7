import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { permissions, type ConfigFiles, type ConfigProblem, type ConfigVersionView, type ProjectView, type RecordedEvent } from '@camel/contracts';
import {
  ApiError,
  changedConfigPaths,
  configHistorySource,
  configStaleDetails,
  isConfigEvent,
  mergeConfigSets,
  mergeConfigVersions,
  sameConfigFiles,
  sortConfigPaths,
  type ConfigStaleDetails,
  type LiveListPage,
} from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';

/** Validation runs this long after the last keystroke. */
export const VALIDATE_DEBOUNCE_MS = 300;

export interface BaseVersion {
  readonly version: number;
  readonly files: ConfigFiles;
}

/** The first read of the page: the history, and the project and latest set the editor starts from. */
interface ConfigsPage extends LiveListPage<ConfigVersionView> {
  readonly project: ProjectView | null;
  readonly latest: BaseVersion;
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
  private readonly toast = inject(ToastService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly projectIdSignal = signal('');
  private readonly projectSignal = signal<ProjectView | null>(null);
  private readonly baseSignal = signal<BaseVersion>({ version: 0, files: {} });
  private readonly filesSignal = signal<ConfigFiles>({});
  private readonly problemsSignal = signal<readonly ConfigProblem[]>([]);
  private readonly validatingSignal = signal(false);
  private readonly savingSignal = signal(false);
  private readonly staleSignal = signal<ConfigStaleDetails | null>(null);
  private readonly conflictsSignal = signal<readonly string[]>([]);
  private readonly namesSignal = signal<ReadonlyMap<string, string>>(new Map());
  /** Bumped whenever the working copy is replaced wholesale (load, merge): editors start afresh. */
  private readonly loadCount = signal(0);

  private readonly history = injectLiveList(
    (projectId: string) => ({
      ...configHistorySource(projectId, () => this.readPage(projectId), () => this.api.listConfigVersions(projectId)),
      loaded: (page: ConfigsPage) => this.started(projectId, page),
      applied: (events: readonly RecordedEvent[]) => this.onEvents(events),
      // Whatever the read models had not caught up with at the first read is there now.
      caughtUp: () => void this.refreshVersions(),
    }),
    { clearOnLoad: true },
  );
  private validationTimer: ReturnType<typeof setTimeout> | undefined;
  private validationSeq = 0;

  readonly projectId = this.projectIdSignal.asReadonly();
  readonly project = this.projectSignal.asReadonly();
  readonly state = this.history.state;
  readonly base = this.baseSignal.asReadonly();
  readonly files = this.filesSignal.asReadonly();
  readonly versions = this.history.items;
  /** The working copy's problems (after a refused save or import: the api's answer). */
  readonly problems = this.problemsSignal.asReadonly();
  readonly validating = this.validatingSignal.asReadonly();
  readonly saving = this.savingSignal.asReadonly();
  /** The last save was refused as stale (409): the versions and the diff between them. */
  readonly stale = this.staleSignal.asReadonly();
  /** Files a merge left with conflict markers (or deleted on one side). */
  readonly mergeConflicts = this.conflictsSignal.asReadonly();
  readonly notLive = this.history.notLive;
  readonly resetKey = this.loadCount.asReadonly();

  readonly paths = computed(() => sortConfigPaths(Object.keys(this.filesSignal())));
  readonly changedPaths = computed(() => new Set(changedConfigPaths(this.baseSignal().files, this.filesSignal())));
  readonly dirty = computed(() => !sameConfigFiles(this.baseSignal().files, this.filesSignal()));
  readonly latestVersion = computed(() => Math.max(this.baseSignal().version, this.history.items()[0]?.version ?? 0));
  readonly newerAvailable = computed(() => this.latestVersion() > this.baseSignal().version);
  readonly archived = computed(() => this.projectSignal()?.status === 'archived');
  readonly canWrite = computed(() => this.auth.canIn(permissions.writeConfig, this.projectIdSignal()) && !this.archived());

  constructor() {
    this.destroyRef.onDestroy(() => clearTimeout(this.validationTimer));
  }

  async load(projectId: string): Promise<void> {
    this.projectIdSignal.set(projectId);
    clearTimeout(this.validationTimer);
    this.projectSignal.set(null);
    this.problemsSignal.set([]);
    this.staleSignal.set(null);
    this.conflictsSignal.set([]);
    this.namesSignal.set(new Map());
    const loading = this.history.load(projectId);
    this.adopt({ version: 0, files: {} });
    await loading;
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

  private async readPage(projectId: string): Promise<ConfigsPage> {
    // Read first: a position every later read reflects, to follow the project's events from
    // (GET …/configs/versions sends no read position of its own).
    const projects = await this.api.listProjects('all');
    const [latest, versions] = await Promise.all([this.api.getConfig(projectId), this.api.listConfigVersions(projectId)]);
    return {
      items: mergeConfigVersions(versions.items, [], projectId),
      position: versions.position || projects.position,
      project: projects.projects.find((project) => project.id === projectId) ?? null,
      latest: { version: latest.version, files: latest.files },
    };
  }

  private started(projectId: string, page: ConfigsPage): void {
    this.projectSignal.set(page.project);
    this.adopt(page.latest);
    const isCurrent = this.history.ticket();
    this.api.listMembers(projectId).then(
      ({ items }) => isCurrent() && this.namesSignal.set(new Map(items.map((member) => [`user:${member.userId}`, member.name || member.email]))),
      () => undefined,
    );
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
    const isCurrent = this.history.ticket();
    const projectId = this.projectIdSignal();
    const files = this.filesSignal();
    this.savingSignal.set(true);
    try {
      const accepted = await this.api.saveConfig(projectId, this.baseSignal().version, files, message);
      if (!isCurrent()) return false;
      if (accepted.version >= this.baseSignal().version) this.baseSignal.set({ version: accepted.version, files });
      this.staleSignal.set(null);
      this.conflictsSignal.set([]);
      void this.refreshVersions();
      return true;
    } catch (error) {
      if (!isCurrent()) return false;
      const stale = configStaleDetails(error);
      if (stale) {
        this.staleSignal.set(stale);
        void this.refreshVersions();
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
    const isCurrent = this.history.ticket();
    try {
      const current = await this.api.getConfig(this.projectIdSignal());
      if (!isCurrent()) return;
      const { files, ...row } = current;
      this.adopt({ version: current.version, files });
      if (row.version > 0) this.history.update((list) => mergeConfigVersions(list, [row], row.projectId));
    } catch {
      // ApiService has shown the server's message.
    }
  }

  /**
   * Rebases the unsaved edits onto the latest version (three-way, line by line). Files both sides
   * changed differently get conflict markers, which validation then points at.
   */
  async mergeLatest(): Promise<readonly string[]> {
    const isCurrent = this.history.ticket();
    try {
      const latest = await this.api.getConfig(this.projectIdSignal());
      if (!isCurrent()) return [];
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
    const isCurrent = this.history.ticket();
    try {
      await this.api.restoreConfigVersion(this.projectIdSignal(), version, this.latestVersion());
      if (!isCurrent()) return false;
      await this.refreshVersions();
      if (!this.dirty()) await this.loadLatest();
      return true;
    } catch {
      void this.refreshVersions();
      return false;
    }
  }

  /** Imports a bundle as the newest version; on 400 resolves with the problems (nothing was imported). */
  async import(bundle: string, message: string): Promise<{ ok: true } | { ok: false; problems: readonly ConfigProblem[] }> {
    const isCurrent = this.history.ticket();
    try {
      await this.api.importConfig(this.projectIdSignal(), this.latestVersion(), bundle, message);
      if (isCurrent()) await this.loadLatest();
      return { ok: true };
    } catch (error) {
      return { ok: false, problems: error instanceof ApiError ? error.problems : [] };
    }
  }

  /** Reads the history again (e.g. after a save, when the live event is not there yet). */
  async refreshVersions(): Promise<void> {
    const isCurrent = this.history.ticket();
    await this.history.refresh();
    if (isCurrent() && this.newerAvailable() && !this.dirty() && !this.savingSignal()) await this.loadLatest();
  }

  // ---- live -------------------------------------------------------------------------------------

  /** The history has folded them in; a newer version than the editor's base is loaded or announced. */
  private onEvents(events: readonly RecordedEvent[]): void {
    const projectId = this.projectIdSignal();
    const saved = events.filter(isConfigEvent).filter((event) => event.data.projectId === projectId);
    if (saved.length === 0) return;
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
    const isCurrent = this.history.ticket();
    const files = this.filesSignal();
    const seq = ++this.validationSeq;
    if (Object.keys(files).length === 0) {
      this.problemsSignal.set([]);
      return;
    }
    this.validatingSignal.set(true);
    try {
      const result = await this.api.validateConfig(this.projectIdSignal(), files);
      if (!isCurrent() || seq !== this.validationSeq || this.filesSignal() !== files) return;
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
    if (this.history.state() === 'ready') this.scheduleValidation(0);
  }
}
