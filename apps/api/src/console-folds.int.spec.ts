import {
  AnnotationsClient,
  ApiClient,
  DatasetsClient,
  LiveEventsClient,
  LiveList,
  AUDIT_EVENT_FAMILIES,
  apiKeyListSource,
  applyProjectEvents,
  auditListSource,
  configHistorySource,
  datasetListSource,
  isDatasetEvent,
  isPendingMember,
  isQueueEvent,
  memberListSource,
  projectListSource,
  queueListSource,
  userListSource,
  type LiveListPage,
  type LiveListSource,
} from '@camel/console-data-access';
import { matchesTopic, type AuditQuery, type MemberView, type RecordedEvent, type UserView } from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { TestApi } from './testing/api-harness';
import { deliveries } from './testing/deliveries';

/*
 * Every live list of the console folds events into a read the api served, so each client fold
 * restates a server projection. Here the real api produces a realistic history (edits, removals,
 * re-adds); the fold gets the same events from the log, as the gateway would hand them over
 * (only the list's topics; in batches, each batch in any order, batches overlapping the way a
 * resubscribe re-delivers), from nothing and from a read taken halfway; and what it ends with is
 * compared with what the list endpoint answers. Last, `LiveList` itself follows the real gateway
 * through a second round of changes and must end where the api does.
 */

const samples = resolve(__dirname, '../../../configs');
const SAMPLES = {
  'agents.yaml': readFileSync(join(samples, 'agents.yaml'), 'utf8'),
  'workflows/stock-trading-role-play.yaml': readFileSync(join(samples, 'workflows/stock-trading-role-play.yaml'), 'utf8'),
};
const PASSWORD = 'fold-test-password-1';
/** A preference file to import (a snapshot needs annotated runs; an import makes a dataset version alone). */
const PAIRS = `${JSON.stringify({ prompt: 'Say hi', chosen: 'Hi!', rejected: 'No.' })}\n`;

const SEEDS = [1, 7, 42, 1234];

/** Lists of different rows side by side: each is compared only with itself. */
type AnySource = LiveListSource<unknown, LiveListPage<unknown>>;
const erase = <T, P extends LiveListPage<T>>(source: LiveListSource<T, P>): AnySource => source as unknown as AnySource;

interface Folded<T = unknown> {
  readonly items: readonly T[];
  /** A batch left rows the events could not complete (the console then reads again). */
  readonly stale: boolean;
}

function foldAll(source: AnySource, initial: readonly unknown[], batches: readonly (readonly RecordedEvent[])[]): Folded<unknown> {
  let items = initial;
  let stale = false;
  for (const batch of batches) {
    const folded = source.fold(items, batch);
    items = folded.items;
    stale ||= folded.stale === true;
  }
  return { items, stale };
}

/** What the console does with stale rows: read again and merge until nothing is stale. */
async function completed(source: AnySource, folded: Folded): Promise<readonly unknown[]> {
  let { items, stale } = folded;
  for (let attempt = 0; stale && source.refresh && attempt < 5; attempt++) {
    const refresh = source.refresh;
    const merged = refresh.merge(items, await (refresh.read ? refresh.read() : source.read()));
    items = merged.items;
    stale = merged.stale === true;
  }
  return items;
}

const ofTopics = (events: readonly RecordedEvent[], source: AnySource) =>
  events.filter((event) => source.topics.some((topic) => matchesTopic(topic, event)));

/** Resolves once `done()` holds, checked on every change of the list; rejects after `ms`. */
function until<T>(list: LiveList<T>, done: (items: readonly T[]) => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('the live list did not reach the server’s list'));
    }, ms);
    const stop = list.onChange((state) => {
      if (state.status !== 'ready' || !done(state.items)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

function consoleFoldsSuite(engine: Engine): void {
  let api: TestApi;
  let client: ApiClient;
  let annotations: AnnotationsClient;
  let datasets: DatasetsClient;
  let ownerId: string;
  let alpha: string;
  let beta: string;
  let gamma: string;
  let ada: string;
  let bob: string;
  let events: RecordedEvent[];
  /** Reads of every list after the first half of the history, and the position of its last event. */
  let halfway: { readonly position: number; readonly reads: Map<string, readonly unknown[]> };

  const NAMES = [
    'projects',
    'users',
    'members',
    'API keys',
    'audit, everything',
    'audit of one project',
    'audit of one family',
    'audit of one actor',
    'config history',
    'annotation queues',
    'datasets',
  ] as const;
  /** Lists of aggregates no event carries whole: their fold marks them stale and the console reads them again. */
  const READ_AGAIN: readonly Name[] = ['annotation queues', 'datasets'];
  type Name = (typeof NAMES)[number];

  /** The console's source of each list, reading with the owner's client (audit: every entry at once). */
  function source(name: Name): AnySource {
    const audit = (query: AuditQuery) => erase(auditListSource(query, AUDIT_EVENT_FAMILIES, (read) => client.listAudit({ ...read, limit: 500 })));
    switch (name) {
      case 'projects':
        return erase(projectListSource(() => client.listProjects('all')));
      case 'users':
        return erase(userListSource(() => client.listUsers()));
      case 'members':
        return erase(memberListSource(alpha, () => client.listMembers(alpha)));
      case 'API keys':
        return erase(apiKeyListSource(alpha, () => client.listApiKeys(alpha)));
      case 'audit, everything':
        return audit({});
      case 'audit of one project':
        return audit({ projectId: alpha });
      case 'audit of one family':
        return audit({ type: 'Project*' });
      case 'audit of one actor':
        return audit({ actor: `user:${ownerId}` });
      case 'config history':
        return erase(configHistorySource(alpha, () => client.listConfigVersions(alpha), () => client.listConfigVersions(alpha)));
      case 'annotation queues':
        return erase(queueListSource(alpha, () => annotations.listQueues(alpha)));
      case 'datasets':
        return erase(datasetListSource(alpha, () => datasets.listDatasets(alpha)));
      default: {
        const unknown: never = name;
        throw new Error(`no source ${String(unknown)}`);
      }
    }
  }
  const serverList = async (name: Name) => (await source(name).read()).items;

  /**
   * What no event carries is left out of the comparison before the console's fresh read: a member
   * added live has no email or name yet; a re-enabled user's status depends on a password the view
   * does not hold. Both must then have asked for that read.
   */
  function comparable(name: Name, folded: Folded<unknown>, server: readonly unknown[], initial: readonly unknown[], delivered: number): { folded: readonly unknown[]; server: readonly unknown[] } {
    if (READ_AGAIN.includes(name)) {
      // The rows stay as read, and any event of theirs asks for the read that completes them.
      expect(folded.items).toEqual(initial);
      expect(folded.stale).toBe(delivered > 0);
      return { folded: server, server };
    }
    if (name === 'members') {
      const pending = new Set((folded.items as MemberView[]).filter(isPendingMember).map((member) => member.userId));
      if (pending.size > 0) expect(folded.stale).toBe(true);
      const blank = (member: MemberView) => (pending.has(member.userId) ? { ...member, email: '', name: '' } : member);
      return { folded: (folded.items as MemberView[]).map(blank), server: (server as MemberView[]).map(blank) };
    }
    if (name === 'users') {
      const enabled = new Set(events.filter((event) => event.type === 'UserEnabled').map((event) => (event.data as { userId: string }).userId));
      if ((folded.items as UserView[]).some((user) => enabled.has(user.id))) expect(folded.stale).toBe(true);
      const blank = (user: UserView) => (enabled.has(user.id) ? { ...user, status: 'active' as const } : user);
      return { folded: (folded.items as UserView[]).map(blank), server: (server as UserView[]).map(blank) };
    }
    return { folded: folded.items, server };
  }

  async function expectAgrees(name: Name, initial: readonly unknown[], batches: readonly (readonly RecordedEvent[])[]): Promise<void> {
    const list = source(name);
    const server = await serverList(name);
    const folded = foldAll(list, initial, batches);
    const concerns = name === 'datasets' ? isDatasetEvent : isQueueEvent;
    const compared = comparable(name, folded, server, initial, batches.flat().filter((event) => concerns(event)).length);
    expect(compared.folded).toEqual(compared.server);
    expect(await completed(list, folded)).toEqual(server);
  }

  async function firstHalf(): Promise<number> {
    alpha = (await client.createProject({ name: 'Alpha', description: 'the busy one' })).id;
    beta = (await client.createProject({ name: 'Beta' })).id;
    gamma = (await client.createProject({ name: 'Gamma', description: 'configs elsewhere' })).id;
    await client.renameProject(alpha, { name: 'Alpha 2' });
    ada = (await client.createUser({ email: 'ada@example.test', name: 'Ada', password: PASSWORD })).id;
    bob = (await client.createUser({ email: 'bob@example.test', name: 'Bob' })).id;
    await client.addMember(alpha, { email: 'ada@example.test', role: 'engineer' });
    await client.addMember(alpha, { email: 'bob@example.test', role: 'viewer' });
    await client.createApiKey(alpha, { name: 'CI', role: 'viewer' });
    await client.saveConfig(alpha, { baseVersion: 0, files: SAMPLES, message: 'samples' });
    const queue = await annotations.createQueue(alpha, { name: 'Pairs', kind: 'pairwise' });
    await annotations.updateQueue(alpha, queue.id, { name: 'Pairs, renamed', reservationSeconds: 120 });
    await datasets.importJsonl(alpha, 'prefs', PAIRS);
    return (await client.saveConfig(gamma, { baseVersion: 0, files: SAMPLES, message: 'gamma samples' })).position;
  }

  async function secondHalf(): Promise<void> {
    await client.renameProject(alpha, { name: 'Alpha 3' });
    await client.archiveProject(beta);
    await client.updateUser(ada, { name: 'Ada L.', globalRole: 'owner' });
    await client.updateUser(ada, { globalRole: null });
    await new ApiClient({ baseUrl: api.baseUrl }).login({ email: 'ada@example.test', password: PASSWORD });
    await client.disableUser(ada);
    await client.enableUser(ada);
    await client.disableUser(bob);
    await client.enableUser(bob);
    await client.resetUserPassword(ada);
    await client.updateUser(bob, { globalRole: 'owner' });
    await client.changeMemberRole(alpha, bob, 'admin');
    await client.removeMember(alpha, ada);
    await client.addMember(alpha, { email: 'ada@example.test', role: 'annotator' });
    await client.removeMember(alpha, bob);
    const keys = await client.listApiKeys(alpha);
    await client.createApiKey(alpha, { name: 'Deploy', role: 'admin' });
    await client.revokeApiKey(alpha, keys.items[0]?.id ?? '');
    const edited = { ...SAMPLES, 'agents.yaml': `${SAMPLES['agents.yaml']}\n# warmer\n` };
    await client.saveConfig(alpha, { baseVersion: 1, files: edited, message: 'warmer' });
    await client.restoreConfigVersion(alpha, 1, { baseVersion: 2, message: 'back to the samples' });
    const bundle = await client.exportConfig(alpha);
    await client.importConfig(alpha, { baseVersion: 3, bundle, message: 'round trip' });
    const queue = await annotations.createQueue(alpha, { name: 'Ratings', kind: 'single', responsesRequired: 2, blind: false });
    await annotations.updateQueue(alpha, queue.id, { description: 'second queue' });
    await datasets.importJsonl(alpha, 'prefs', `${PAIRS}${JSON.stringify({ prompt: 'Say bye', chosen: 'Bye!', rejected: 'No.' })}\n`);
    await datasets.importJsonl(alpha, 'outside', PAIRS);
  }

  beforeAll(async () => {
    // Both engines in one file: each api gets its own module registry (the app reads its
    // configuration from the environment as its modules load).
    await jest.isolateModulesAsync(async () => {
      const harness = await import('./testing/api-harness');
      api = await harness.startTestApi(engine);
    });
    client = new ApiClient({ baseUrl: api.baseUrl, accessToken: api.ownerToken });
    annotations = new AnnotationsClient(client);
    datasets = new DatasetsClient(client);
    ownerId = (await client.me()).actor.id;
    const position = await firstHalf();
    const reads = new Map<string, readonly unknown[]>();
    for (const name of NAMES) reads.set(name, await serverList(name));
    halfway = { position, reads };
    await secondHalf();
    const last = (await client.listAudit({ limit: 1 })).entries[0]?.position ?? 0;
    events = await api.store.readAll({ after: 0, limit: 10_000 });
    expect(events.at(-1)?.position).toBe(last);
  }, 60_000);

  afterAll(() => api?.close());

  it.each(NAMES)('%s: the fold of every event, in order, is the list the api answers', async (name) => {
    await expectAgrees(name, [], [ofTopics(events, source(name))]);
  });

  it.each(NAMES)('%s: batches in any order within, re-delivered at their edges, end the same', async (name) => {
    const mine = ofTopics(events, source(name));
    for (const seed of SEEDS) await expectAgrees(name, [], deliveries(mine, seed));
  });

  it.each(NAMES)('%s: from a read taken halfway, following from before it (events the read already holds), ends the same', async (name) => {
    const mine = ofTopics(events, source(name));
    const cut = mine.findIndex((event) => event.position > halfway.position);
    expect(cut).toBeGreaterThan(0);
    // Three events before the read's last one: the read model reflects them, the fold gets them again.
    const after = mine.slice(Math.max(0, cut - 3));
    for (const seed of SEEDS) await expectAgrees(name, halfway.reads.get(name) ?? [], deliveries(after, seed));
  });

  it('the projects fold of an active-only list drops what is archived, as the api filters', async () => {
    const mine = ofTopics(events, source('projects'));
    expect(applyProjectEvents([], mine, 'active')).toEqual((await client.listProjects('active')).projects);
  });

  describe('LiveList over the real gateway', () => {
    let live: LiveEventsClient;

    beforeAll(() => {
      live = new LiveEventsClient({ url: api.baseUrl, token: api.ownerToken, reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 });
    });
    afterAll(() => live?.close());

    it('every list, loaded and followed while the api changes, ends equal to the api’s lists', async () => {
      const lists = NAMES.map((name) => ({ name, list: new LiveList<unknown>({ follow: (topic, after, handlers) => live.subscribe(topic, after, handlers) }) }));
      await Promise.all(lists.map(({ name, list }) => list.load(source(name))));
      expect(lists.map(({ list }) => list.state.live)).toEqual(NAMES.map(() => 'following'));

      await client.renameProject(gamma, { name: 'Gamma 2' });
      await client.updateUser(bob, { name: 'Robert' });
      await client.disableUser(bob);
      await client.enableUser(bob);
      await client.addMember(alpha, { email: 'bob@example.test', role: 'viewer' });
      await client.createApiKey(alpha, { name: 'Nightly', role: 'engineer' });
      const latest = (await client.getConfig(alpha)).version;
      await client.restoreConfigVersion(alpha, 2, { baseVersion: latest });
      const queue = await annotations.createQueue(alpha, { name: 'Live queue', kind: 'pairwise' });
      await annotations.updateQueue(alpha, queue.id, { name: 'Live queue, renamed' });
      await datasets.importJsonl(alpha, 'live', PAIRS);

      for (const { name, list } of lists) {
        const server = await serverList(name);
        await until(list, (items) => isDeepStrictEqual(items, server)).catch(() => undefined);
        expect({ name, items: list.state.items }).toEqual({ name, items: server });
        list.close();
      }
    }, 30_000);
  });
}

describe.each<Engine>(['sqlite', 'postgres'])('console folds agree with the server’s read models (%s)', (engine) => consoleFoldsSuite(engine));
