import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  CAMEL_TASK_DONE,
  LIVE_EVENTS_PATH,
  type AgreementReport,
  type AnnotationDetail,
  type AnnotationList,
  type LogEntryView,
  type NextItemResult,
  type ProjectRole,
  type QueueItemPage,
  type QueueItemWork,
  type QueueList,
  type QueueProgress,
  type RecordedEvent,
  type RunView,
  type SubmitResponseResult,
} from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { reply, rolePlayWorkflowYaml, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer, type RecordedRequest } from '@camel/workflows/server/testing';
import { startTestApi, type TestApi, type TestResponse } from './api-harness';
import { pollUntil } from './poll-until';

const KEY_ENV = 'ANNOTATIONS_SUITE_LLM_KEY';
const PASSWORD = 'annotations-password-1';

const agents = (baseUrl: string) => testAgentsYaml(baseUrl, KEY_ENV, [TEST_AGENTS.programmer, TEST_AGENTS.trader, TEST_AGENTS.judge]);
const ROLE_PLAY = rolePlayWorkflowYaml({ maxTurns: 6 });

interface Member {
  readonly id: string;
  readonly token: string;
}

/** Annotations and queues through the real api: completion at N, the reservation race, blind mode on REST and the socket, refusals. */
export function annotationsApiSuite(engine: Engine): void {
  const JUDGE = 'You are judging answers for a human annotation team';
  const judging = (request: RecordedRequest) => (request.body.messages[0]?.content ?? '').includes(JUDGE);

  describe(`annotations API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let llm: OpenAiTestServer;
    let projectId: string;
    let runId: string;
    let entries: LogEntryView[];
    const people: Record<'ann1' | 'ann2' | 'ann3' | 'loner' | 'eng' | 'viewer', Member> = {} as never;
    const sockets: Socket[] = [];
    const base = () => `/api/projects/${projectId}`;
    const as = (who: Member, method: string, path: string, body?: unknown): Promise<TestResponse> =>
      api.request(method, `${base()}${path}`, body, { authorization: `Bearer ${who.token}` });
    const entry = (turn: string) => `${runId}:${turn}`;
    const alternativeOf = (turn: string) => entries.find((e) => e.kind === 'alternative' && e.turnId === turn)?.id as string;
    const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => pollUntil(what, read, done, { timeoutMs: 15_000, intervalMs: 25 });
    const head = () => api.store.headPosition();

    /** A 4xx whose `fields` names the input, and nothing appended. */
    const refusesWithField = async (call: () => Promise<TestResponse>, status: number, field: string) => {
      const before = await head();
      const response = await call();
      expect([response.status, response.body?.fields?.map((f: { field: string }) => f.field)]).toEqual([status, [field]]);
      expect(await head()).toBe(before);
    };

    const member = async (label: string, role: ProjectRole): Promise<Member> => {
      const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
      const created = await api.request('POST', '/api/users', { email, name: label, password: PASSWORD });
      expect(created.status).toBe(201);
      expect((await api.request('POST', `${base()}/members`, { userId: created.body.id, role })).status).toBe(201);
      const login = await api.request('POST', '/api/auth/login', { email, password: PASSWORD }, { authorization: '' });
      expect(login.status).toBe(200);
      return { id: created.body.id, token: login.body.accessToken };
    };

    const createQueue = async (body: Record<string, unknown>, who: Member = people.eng): Promise<string> => {
      const created = await as(who, 'POST', '/annotation-queues', body);
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const itemsOf = async (queueId: string) => ((await as(people.eng, 'GET', `/annotation-queues/${queueId}/items?limit=200`)).body as QueueItemPage).items;
    const respond = (who: Member, queueId: string, itemId: string, value: unknown) => as(who, 'POST', `/annotation-queues/${queueId}/items/${itemId}/responses`, { value });
    const next = async (who: Member, queueId: string) => {
      const response = await as(who, 'POST', `/annotation-queues/${queueId}/next`);
      expect(response.status).toBe(200);
      return (response.body as NextItemResult).work;
    };

    beforeAll(async () => {
      process.env[KEY_ENV] = 'sk-test-annotations-suite';
      process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
      llm = await startOpenAiTestServer();
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Annotations' })).body.id;
      const saved = await api.request('POST', `${base()}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents(llm.url), 'workflows/trading.yaml': ROLE_PLAY }, message: 'annotations' });
      expect(saved.status).toBe(201);
      llm.enqueue(
        reply.text('Instruction: fetch prices.\nInput: None'),
        reply.text('Solution: fetch_prices(). Next request.'),
        reply.text('Instruction: plot them.\nInput: None'),
        reply.text('Solution: plot(). Next request.'),
        reply.text(CAMEL_TASK_DONE),
      );
      runId = (await api.request('POST', `${base()}/runs`, { workflow: 'trading' })).body.id;
      await until('the run', async () => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView, (run) => run.status === 'completed');
      for (const turn of ['turn-2', 'turn-4']) {
        llm.enqueue(reply.text(`Solution: another take on ${turn}. Next request.`));
        expect((await api.request('POST', `${base()}/runs/${runId}/turns/${turn}/regenerate`, {})).status).toBe(201);
      }
      entries = await until('entries with alternatives', async () => (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as LogEntryView[], (list) => list.filter((e) => e.kind === 'alternative').length === 2);
      people.ann1 = await member('ann1', 'annotator');
      people.ann2 = await member('ann2', 'annotator');
      people.ann3 = await member('ann3', 'annotator');
      people.loner = await member('loner', 'annotator');
      people.eng = await member('eng', 'engineer');
      people.viewer = await member('viewer', 'viewer');
      expect((await as(people.eng, 'PUT', '/label-set', { labels: [{ name: 'helpful' }, { name: 'wrong', color: '#ff0000' }] })).status).toBe(200);
    });
    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.disconnect();
    });
    afterAll(async () => {
      await api?.close();
      await llm?.close();
      delete process.env[KEY_ENV];
      delete process.env['LOGIN_RATE_LIMIT_IP'];
    });

    it('annotates an entry with every kind, keeps the edit history, marks the entry annotated, and only the annotator revises', async () => {
      const value = { rating: 4, rationale: 'works', tags: ['helpful'], correction: 'fetch_prices(symbols)', preference: { alternativeEntryId: alternativeOf('turn-2'), choice: 'B' }, flags: ['broken'] };
      const submitted = await as(people.ann1, 'POST', '/annotations', { entryId: entry('turn-2'), value });
      expect(submitted.status).toBe(201);
      const id = submitted.body.id as string;
      expect((await as(people.ann1, 'PUT', `/annotations/${id}`, { value: { rating: 5 } })).status).toBe(200);
      expect((await as(people.ann2, 'PUT', `/annotations/${id}`, { value: { rating: 1 } })).status).toBe(403);
      const detail = (await as(people.viewer, 'GET', `/annotations/${id}`)).body as AnnotationDetail;
      expect(detail).toMatchObject({ entryId: entry('turn-2'), annotator: people.ann1.id, value: { rating: 5 }, revision: 2, queueId: null, extra: false });
      expect(detail.history.map((h) => h.value)).toEqual([value, { rating: 5 }]);
      const logged = await api.request('GET', `${base()}/logs/${encodeURIComponent(entry('turn-2'))}`);
      expect(logged.body.annotated).toBe(true);
      expect((await as(people.ann1, 'POST', `/annotations/${id}/withdraw`, {})).status).toBe(200);
      expect((await api.request('GET', `${base()}/logs/${encodeURIComponent(entry('turn-2'))}`)).body.annotated).toBe(false);
    });

    it('refuses bad annotations with a 4xx naming the input and appends nothing', async () => {
      await refusesWithField(() => as(people.ann1, 'POST', '/annotations', { entryId: `${runId}:nope`, value: { rating: 3 } }), 400, 'entryId');
      await refusesWithField(() => as(people.ann1, 'POST', '/annotations', { entryId: entry('turn-2'), value: { tags: ['helpful', 'rude'] } }), 400, 'value.tags.1');
      await refusesWithField(() => as(people.ann1, 'POST', '/annotations', { entryId: entry('turn-2'), value: { rating: 6 } }), 400, 'value.rating');
      await refusesWithField(
        () => as(people.ann1, 'POST', '/annotations', { entryId: entry('turn-2'), value: { preference: { alternativeEntryId: alternativeOf('turn-4'), choice: 'A' } } }),
        400,
        'value.preference.alternativeEntryId',
      );
      await refusesWithField(() => as(people.ann1, 'POST', '/annotations', { entryId: entry('turn-2') }), 400, 'value');
      await refusesWithField(() => as(people.eng, 'PUT', '/label-set', { labels: [{ name: 'a' }, { name: 'a' }] }), 400, 'labels.1.name');
      await refusesWithField(() => as(people.eng, 'POST', '/annotation-queues', { name: 'Q', kind: 'single', responsesRequired: 0 }), 400, 'responsesRequired');
      await refusesWithField(() => as(people.eng, 'POST', '/annotation-queues', { name: 'Q', kind: 'single', assignees: { kind: 'users', userIds: [randomUUID()] } }), 400, 'assignees.userIds.0');
      await refusesWithField(() => as(people.eng, 'POST', '/annotation-queues', { name: 'Q', kind: 'single', source: { entryIds: [entry('turn-1'), 'missing'] } }), 400, 'source.entryIds.1');
      await refusesWithField(() => as(people.eng, 'POST', '/annotation-queues', { name: 'Q', kind: 'pairwise', suggestions: { agent: 'nobody' } }), 400, 'suggestions.agent');
      // The logs filter of a source is the explorer's, each member checked (the one filter snapshots use too).
      for (const [filter, field] of [
        [{ role: 'boss' }, 'source.filter.role'],
        [{ reason: 'bored' }, 'source.filter.reason'],
        [{ from: 'yesterday' }, 'source.filter.from'],
        [{ annotated: 'yes' }, 'source.filter.annotated'],
        [{ colour: 'red' }, 'source.filter.colour'],
      ] as const) {
        await refusesWithField(() => as(people.eng, 'POST', '/annotation-queues', { name: 'Q', kind: 'single', source: { filter } }), 400, field);
      }
    });

    it('creates a pairwise queue from a logs filter; an item is never in the queue twice', async () => {
      const created = await as(people.eng, 'POST', '/annotation-queues', { name: 'Pairs', kind: 'pairwise', source: { filter: { runId } } });
      expect(created.body).toMatchObject({ added: 2, duplicates: 0 });
      const queueId = created.body.id as string;
      const again = await as(people.eng, 'POST', `/annotation-queues/${queueId}/items`, { source: { filter: { runId } } });
      expect(again.body).toMatchObject({ added: 0, duplicates: 2 });
      const pairs = await as(people.eng, 'POST', `/annotation-queues/${queueId}/items`, {
        source: { pairs: [{ entryId: entry('turn-2'), alternativeEntryId: alternativeOf('turn-2') }, { entryId: entry('turn-2'), alternativeEntryId: alternativeOf('turn-2') }] },
      });
      expect(pairs.body).toMatchObject({ added: 0, duplicates: 2 });
      const items = await itemsOf(queueId);
      expect(items.map((i) => [i.seq, i.entryId, i.alternativeEntryId])).toEqual([
        [1, entry('turn-2'), alternativeOf('turn-2')],
        [2, entry('turn-4'), alternativeOf('turn-4')],
      ]);
      await refusesWithField(() => as(people.eng, 'POST', `/annotation-queues/${queueId}/items`, { source: { pairs: [{ entryId: entry('turn-2'), alternativeEntryId: alternativeOf('turn-4') }] } }), 400, 'source.pairs.0.alternativeEntryId');
      // A pairwise answer needs the preference, against the item's alternative.
      const [first] = items;
      await refusesWithField(() => respond(people.ann1, queueId, first.id, { rating: 3 }), 400, 'value.preference');
      // The item names its alternative: the choice alone is an answer, recorded against that alternative.
      const chose = await respond(people.ann1, queueId, first.id, { preference: { choice: 'A' } });
      expect(chose.status).toBe(201);
      const recorded = (await as(people.eng, 'GET', `/annotations?itemId=${first.id}`)).body as AnnotationList;
      expect(recorded.annotations.map((a) => a.value.preference)).toEqual([{ alternativeEntryId: first.alternativeEntryId, choice: 'A' }]);
    });

    it('completes an item at exactly N under concurrent submissions; the others are kept as extra', async () => {
      const queueId = await createQueue({ name: 'Ratings', kind: 'single', responsesRequired: 2, blind: false, ratingScale: { min: 1, max: 7 }, source: { entryIds: [entry('turn-1')] } });
      const [item] = await itemsOf(queueId);
      const results = await Promise.all([people.ann1, people.ann2, people.ann3].map((who, n) => respond(who, queueId, item.id, { rating: 5 + n })));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      const outcomes = results.map((r) => r.body as SubmitResponseResult);
      expect(outcomes.filter((o) => !o.extra)).toHaveLength(2);
      expect(outcomes.filter((o) => o.completed)).toHaveLength(1);
      const stream = await api.store.readStream(`annotation-queue-item-${item.id}`);
      const completed = stream.filter((e) => e.type === 'QueueItemCompleted');
      expect(completed).toHaveLength(1);
      const counted = outcomes.filter((o) => !o.extra).map((o) => o.id).sort();
      expect([...(completed[0].data as { annotationIds: string[] }).annotationIds].sort()).toEqual(counted);
      const [after] = await itemsOf(queueId);
      expect(after).toMatchObject({ status: 'completed', responses: 2, extraResponses: 1 });
      const list = (await as(people.eng, 'GET', `/annotations?itemId=${item.id}`)).body as AnnotationList;
      expect(list.annotations.filter((a) => a.extra).map((a) => a.id)).toEqual(outcomes.filter((o) => o.extra).map((o) => o.id));
      // The same annotator answers once.
      expect((await respond(people.ann1, queueId, item.id, { rating: 1 })).status).toBe(409);
      const progress = (await as(people.eng, 'GET', `/annotation-queues/${queueId}/progress`)).body as QueueProgress;
      expect(progress).toMatchObject({ counts: { items: 1, completed: 1, responses: 2 }, fraction: 1 });
      expect(progress.annotators.reduce((sum, a) => sum + a.responses, 0)).toBe(2);
      expect(progress.annotators.reduce((sum, a) => sum + a.extra, 0)).toBe(1);
    });

    it('with N answers per item, next-item hands out what others started first, so items complete at N instead of all getting one answer', async () => {
      const queueId = await createQueue({ name: 'Finish first', kind: 'single', responsesRequired: 2, blind: false, source: { entryIds: ['turn-1', 'turn-2', 'turn-3', 'turn-4', 'turn-5'].map(entry) } });
      const answer = async (who: Member) => {
        const work = await next(who, queueId);
        expect((await respond(who, queueId, work?.item.id as string, { rating: 3 })).status).toBe(201);
        return work?.item.id as string;
      };
      const firsts = [await answer(people.ann1), await answer(people.ann1)];
      // ann2 holds one new item while ann3 asks: ann3 is offered a started item (answered, or held by ann2) before new ones.
      const held = (await next(people.ann2, queueId))?.item.id as string;
      expect(firsts).toContain(held);
      const third = await answer(people.ann3);
      expect(firsts).toContain(third);
      expect(third).not.toBe(held);
      expect((await respond(people.ann2, queueId, held, { rating: 4 })).status).toBe(201);
      const progress = await until('the progress', async () => (await as(people.eng, 'GET', `/annotation-queues/${queueId}/progress`)).body as QueueProgress, (p) => p.counts.responses === 4);
      expect(progress.counts).toMatchObject({ items: 5, completed: 2, responses: 4 });
    });

    it('the reservation race over HTTP: two annotators asking at once never get the same item; the loser gets another or none', async () => {
      const single = await createQueue({ name: 'One', kind: 'single', source: { entryIds: [entry('turn-3')] } });
      const [a, b] = await Promise.all([next(people.ann1, single), next(people.ann2, single)]);
      expect([a, b].filter((w) => w !== null)).toHaveLength(1);
      const stream = await api.store.readStream(`annotation-queue-item-${(a ?? b)?.item.id}`);
      expect(stream.filter((e) => e.type === 'QueueItemReserved')).toHaveLength(1);

      const two = await createQueue({ name: 'Two', kind: 'single', source: { entryIds: [entry('turn-3'), entry('turn-5')] } });
      const [x, y] = await Promise.all([next(people.ann1, two), next(people.ann2, two)]);
      expect(x && y && x.item.id !== y.item.id).toBe(true);
      // Asking again hands back the item you hold; skipping it moves on; answering it ends it.
      expect((await next(people.ann1, two))?.item.id).toBe(x?.item.id);
      expect((await as(people.ann1, 'POST', `/annotation-queues/${two}/items/${x?.item.id}/skip`)).status).toBe(200);
      expect(await next(people.ann1, two)).toBeNull();
      const answered = await respond(people.ann2, two, y?.item.id as string, { rating: 2 });
      expect(answered.body).toMatchObject({ extra: false, completed: true });
      const progress = (await as(people.eng, 'GET', `/annotation-queues/${two}/progress`)).body as QueueProgress;
      expect(progress.annotators).toEqual([
        { annotator: people.ann1.id, responses: 0, extra: 0, skipped: 1, reserved: 0 },
        { annotator: people.ann2.id, responses: 1, extra: 0, skipped: 0, reserved: 0 },
      ].sort((p, q) => p.annotator.localeCompare(q.annotator)));
    });

    it('an expired reservation returns the item to the pool; the late holder’s answer is kept as extra', async () => {
      const queueId = await createQueue({ name: 'Short', kind: 'single', reservationSeconds: 1, blind: false, source: { entryIds: [entry('turn-5')] } });
      const held = await next(people.ann1, queueId);
      expect(held?.reservedUntil).not.toBeNull();
      expect(await next(people.ann2, queueId)).toBeNull();
      // Lazy expiry: nothing runs to release it; once `until` has passed, next-item offers it again.
      const taken = await until('the item back in the pool', () => next(people.ann2, queueId), (work) => work !== null);
      expect(taken?.item.id).toBe(held?.item.id);
      const itemId = held?.item.id as string;
      expect((await respond(people.ann2, queueId, itemId, { rating: 4 })).body).toMatchObject({ extra: false, completed: true });
      expect((await respond(people.ann1, queueId, itemId, { rating: 2 })).body).toMatchObject({ extra: true, completed: false });
    });

    it('blind mode over REST: other answers are withheld until the item completes, never from managers', async () => {
      const queueId = await createQueue({ name: 'Blind', kind: 'single', responsesRequired: 2, source: { entryIds: [entry('turn-1')] } });
      const [item] = await itemsOf(queueId);
      expect((await respond(people.ann1, queueId, item.id, { rating: 2, rationale: 'meh' })).status).toBe(201);
      const seenBy2 = (await as(people.ann2, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork;
      expect(seenBy2).toMatchObject({ mine: null, others: [], withheld: 1 });
      expect((await as(people.ann2, 'GET', `/annotations?itemId=${item.id}`)).body).toMatchObject({ annotations: [], withheld: 1 });
      expect((await as(people.viewer, 'GET', `/annotations?itemId=${item.id}`)).body).toMatchObject({ annotations: [], withheld: 1 });
      const ann1Answer = ((await as(people.ann1, 'GET', `/annotations?itemId=${item.id}`)).body as AnnotationList).annotations;
      expect(ann1Answer).toHaveLength(1);
      expect((await as(people.ann2, 'GET', `/annotations/${ann1Answer[0].id}`)).status).toBe(404);
      expect(((await as(people.eng, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork).others).toHaveLength(1);
      expect((await respond(people.ann2, queueId, item.id, { rating: 4 })).body).toMatchObject({ completed: true });
      const after = (await as(people.ann2, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork;
      expect(after.others.map((a) => a.annotator)).toEqual([people.ann1.id]);
      expect(after.withheld).toBe(0);
    });

    it('blind mode on the live gateway: an open item’s answer reaches its annotator and managers only', async () => {
      const queueId = await createQueue({ name: 'Blind live', kind: 'single', responsesRequired: 2, source: { entryIds: [entry('turn-5')] } });
      const [item] = await itemsOf(queueId);
      const from = await head();
      const follow = async (who: Member) => {
        const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], reconnection: false, auth: { token: who.token } });
        sockets.push(socket);
        const received: RecordedEvent[] = [];
        socket.on('events', (message: { events: RecordedEvent[] }, ack: () => void) => {
          ack();
          received.push(...message.events);
        });
        const subscribed = await new Promise<{ ok: boolean }>((done) => socket.emit('subscribe', { subscriptionId: 's', topic: { kind: 'project', projectId }, after: from }, done));
        expect(subscribed.ok).toBe(true);
        return received;
      };
      const [toAnn1, toAnn2, toEng] = await Promise.all([follow(people.ann1), follow(people.ann2), follow(people.eng)]);
      const first = (await respond(people.ann1, queueId, item.id, { rating: 3 })).body as SubmitResponseResult;
      const second = (await respond(people.ann2, queueId, item.id, { rating: 5 })).body as SubmitResponseResult;
      const types = (events: RecordedEvent[]) => events.map((e) => `${e.type}:${(e.data as { annotationId?: string }).annotationId ?? ''}`);
      const completedSeen = (events: RecordedEvent[]) => events.some((e) => e.type === 'QueueItemCompleted');
      await until('ann2 sees the completion', async () => toAnn2, completedSeen);
      await until('ann1 sees the completion', async () => toAnn1, completedSeen);
      await until('the engineer sees the completion', async () => toEng, completedSeen);
      // ann2 learns that ann1 answered (the item event), never what: ann1's annotation event is withheld.
      expect(types(toAnn2)).toContain(`QueueItemResponded:${first.id}`);
      expect(types(toAnn2)).not.toContain(`AnnotationSubmitted:${first.id}`);
      expect(types(toAnn2)).toContain(`AnnotationSubmitted:${second.id}`);
      expect(types(toAnn1)).toContain(`AnnotationSubmitted:${first.id}`);
      expect(types(toEng)).toEqual(expect.arrayContaining([`AnnotationSubmitted:${first.id}`, `AnnotationSubmitted:${second.id}`]));
    });

    it('permissions: annotators see and work only their queues; viewers read; engineers manage and adjudicate once', async () => {
      const queueId = await createQueue({ name: 'Named', kind: 'single', blind: false, assignees: { kind: 'users', userIds: [people.ann1.id, people.ann2.id] }, source: { entryIds: [entry('turn-2')] } });
      const listed = (who: Member) => as(who, 'GET', '/annotation-queues').then((r) => (r.body as QueueList).queues.map((q) => q.id));
      expect(await listed(people.ann1)).toContain(queueId);
      expect(await listed(people.loner)).not.toContain(queueId);
      expect(await listed(people.viewer)).toContain(queueId);
      expect((await as(people.loner, 'GET', `/annotation-queues/${queueId}`)).status).toBe(404);
      expect((await as(people.loner, 'POST', `/annotation-queues/${queueId}/next`)).status).toBe(404);
      expect((await as(people.viewer, 'POST', `/annotation-queues/${queueId}/next`)).status).toBe(403);
      expect((await as(people.ann1, 'POST', '/annotation-queues', { name: 'Mine', kind: 'single' })).status).toBe(403);
      expect((await as(people.viewer, 'POST', '/annotations', { entryId: entry('turn-2'), value: { rating: 3 } })).status).toBe(403);
      const [item] = await itemsOf(queueId);
      const beforeCompletion = await as(people.eng, 'POST', `/annotation-queues/${queueId}/items/${item.id}/adjudicate`, { value: { rating: 3 } });
      expect([beforeCompletion.status, beforeCompletion.body.code]).toEqual([409, 'queue-item.not-completed']);
      expect((await respond(people.ann1, queueId, item.id, { rating: 3 })).status).toBe(201);
      expect((await as(people.ann2, 'POST', `/annotation-queues/${queueId}/items/${item.id}/adjudicate`, { value: { rating: 4 } })).status).toBe(403);
      expect((await as(people.eng, 'POST', `/annotation-queues/${queueId}/items/${item.id}/adjudicate`, { value: { rating: 4 }, note: 'closer to 4' })).status).toBe(200);
      const again = await as(people.eng, 'POST', `/annotation-queues/${queueId}/items/${item.id}/adjudicate`, { value: { rating: 2 } });
      expect([again.status, again.body.code]).toEqual([409, 'queue-item.adjudicated']);
      const [adjudicated] = await itemsOf(queueId);
      expect(adjudicated).toMatchObject({ status: 'adjudicated', adjudication: { decidedBy: people.eng.id, value: { rating: 4 }, note: 'closer to 4' } });
    });

    it('an archived project is read-only for annotations (409, nothing appended)', async () => {
      const archived = (await api.request('POST', '/api/projects', { name: 'Archived annotations' })).body.id as string;
      expect((await api.request('POST', `/api/projects/${archived}/archive`)).status).toBe(200);
      const before = await head();
      const refused = await api.request('POST', `/api/projects/${archived}/annotation-queues`, { name: 'Q', kind: 'single' });
      expect([refused.status, refused.body.code]).toEqual([409, 'project.archived']);
      const labels = await api.request('PUT', `/api/projects/${archived}/label-set`, { labels: [] });
      expect([labels.status, labels.body.code]).toEqual([409, 'project.archived']);
      expect(await head()).toBe(before);
    });

    it('agreement report: statistics of the completed pairwise items and the disagreement list', async () => {
      const queueId = await createQueue({ name: 'Agreement', kind: 'pairwise', responsesRequired: 2, source: { filter: { runId } } });
      const items = await itemsOf(queueId);
      const choose = (item: (typeof items)[number], choice: string) => ({ preference: { alternativeEntryId: item.alternativeEntryId, choice } });
      await respond(people.ann1, queueId, items[0].id, choose(items[0], 'A'));
      await respond(people.ann2, queueId, items[0].id, choose(items[0], 'A'));
      await respond(people.ann1, queueId, items[1].id, choose(items[1], 'A'));
      await respond(people.ann2, queueId, items[1].id, choose(items[1], 'B'));
      const report = (await as(people.viewer, 'GET', `/annotation-queues/${queueId}/agreement`)).body as AgreementReport;
      expect(report.fields).toEqual([
        {
          field: 'preference',
          units: 2,
          annotators: 2,
          statistics: [
            { metric: 'percent_agreement', value: 0.5 },
            { metric: 'krippendorff_alpha_nominal', value: expect.any(Number) },
            { metric: 'cohens_kappa', value: 0 },
          ],
        },
      ]);
      expect(report.disagreements.map((d) => [d.itemId, d.fields, d.answers.length])).toEqual([[items[1].id, ['preference'], 2]]);
    });
    it('AI suggestions: the judge agent pre-fills each item, apart from the answers; accepting one is recorded', async () => {
      llm.respondWith((request) => reply.text(judging(request) ? 'Verdict: {"choice": "B", "rationale": "more general"}' : 'not a judge call'));
      const queueId = await createQueue({
        name: 'Judged',
        kind: 'pairwise',
        responsesRequired: 2,
        suggestions: { agent: 'judge' },
        source: { pairs: [{ entryId: entry('turn-4'), alternativeEntryId: alternativeOf('turn-4') }] },
      });
      const [item] = await itemsOf(queueId);
      const work = await until(
        'the suggestion',
        async () => (await as(people.ann1, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork,
        (w) => w.suggestion !== null,
      );
      expect(work.suggestion).toMatchObject({ agent: 'judge', value: { preference: { alternativeEntryId: alternativeOf('turn-4'), choice: 'B' }, rationale: 'more general' } });
      expect(work.item).toMatchObject({ responses: 0, status: 'open' });
      const judgeCall = llm.requests.find(judging);
      expect(judgeCall?.body).toMatchObject({ model: 'judge-1', temperature: 0 });
      expect(judgeCall?.body.messages[0].content).toContain('You judge answers strictly.');
      const accepted = await as(people.ann1, 'POST', `/annotation-queues/${queueId}/items/${item.id}/responses`, { value: work.suggestion?.value, fromSuggestion: work.suggestion?.id });
      expect(accepted.body).toMatchObject({ extra: false, completed: false });
      expect((await as(people.ann1, 'GET', `/annotations/${accepted.body.id}`)).body).toMatchObject({ fromSuggestion: work.suggestion?.id });
      await refusesWithField(() => as(people.ann2, 'POST', `/annotation-queues/${queueId}/items/${item.id}/responses`, { value: work.suggestion?.value, fromSuggestion: randomUUID() }), 400, 'fromSuggestion');
    });

    it('queue lifecycle: items nobody answered are removed, an own answer is withdrawn before completion, close stops next-item (answers kept), reopen, archive leaves the list', async () => {
      const queueId = await createQueue({ name: 'Lifecycle', kind: 'single', responsesRequired: 2, blind: false, source: { entryIds: [entry('turn-1'), entry('turn-2'), entry('turn-3')] } });
      const [first, second, third] = await itemsOf(queueId);
      const path = `/annotation-queues/${queueId}`;
      const answer = await respond(people.ann1, queueId, first.id, { rating: 3 });
      expect(answer.status).toBe(201);

      // Removal: an answered item stays, an unanswered one goes (managers only) and is never offered.
      const kept = await as(people.eng, 'DELETE', `${path}/items/${first.id}`);
      expect([kept.status, kept.body.code]).toEqual([409, 'queue-item.answered']);
      expect((await as(people.ann2, 'DELETE', `${path}/items/${third.id}`)).status).toBe(403);
      expect((await as(people.eng, 'DELETE', `${path}/items/${third.id}`)).status).toBe(200);
      expect((await itemsOf(queueId)).map((i) => i.status)).toEqual(['open', 'open', 'removed']);

      // Withdrawal: only its annotator, before the item completes; the item is theirs to answer again.
      expect((await as(people.ann2, 'POST', `/annotations/${answer.body.id}/withdraw`, {})).status).toBe(403);
      const withdrawn = await as(people.ann1, 'POST', `/annotations/${answer.body.id}/withdraw`, {});
      expect(withdrawn.status).toBe(200);
      const progress = await as(people.eng, 'GET', `${path}/progress`);
      expect(Number(progress.headers.get('x-read-position'))).toBeGreaterThanOrEqual(withdrawn.body.position);
      expect((progress.body as QueueProgress).counts).toMatchObject({ items: 3, removed: 1, responses: 0 });
      expect((progress.body as QueueProgress).fraction).toBe(0);
      expect([first.id, second.id]).toContain((await next(people.ann1, queueId))?.item.id);
      const again = await respond(people.ann1, queueId, first.id, { rating: 4 });
      expect(again.status).toBe(201);
      expect((await respond(people.ann2, queueId, first.id, { rating: 4 })).body).toMatchObject({ completed: true });
      const late = await as(people.ann1, 'POST', `/annotations/${again.body.id}/withdraw`, {});
      expect([late.status, late.body.code]).toEqual([409, 'queue-item.completed']);
      const agreement = await as(people.eng, 'GET', `${path}/agreement`);
      expect(Number(agreement.headers.get('x-read-position'))).toBeGreaterThan(0);

      // Close: no next item and no answer; the answers stay. Reopen: work goes on.
      expect((await as(people.ann1, 'POST', `${path}/close`)).status).toBe(403);
      expect((await as(people.eng, 'POST', `${path}/close`)).status).toBe(200);
      const closedNext = await as(people.ann3, 'POST', `${path}/next`);
      expect([closedNext.status, closedNext.body.code]).toEqual([409, 'queue.closed']);
      const closedAnswer = await respond(people.ann3, queueId, second.id, { rating: 2 });
      expect([closedAnswer.status, closedAnswer.body.code]).toEqual([409, 'queue.closed']);
      const answers = ((await as(people.eng, 'GET', `/annotations?queueId=${queueId}`)).body as AnnotationList).annotations;
      expect(answers.map((a) => a.withdrawn)).toEqual([true, false, false]);
      expect(((await as(people.eng, 'GET', '/annotation-queues')).body as QueueList).queues.find((q) => q.id === queueId)?.status).toBe('closed');
      expect((await as(people.eng, 'POST', `${path}/reopen`)).status).toBe(200);
      expect((await next(people.ann3, queueId))?.item.id).toBe(second.id);

      // Archive: final; the queue leaves the list, still answers by id, and hands out nothing.
      expect((await as(people.eng, 'DELETE', path)).status).toBe(200);
      expect(((await as(people.eng, 'GET', '/annotation-queues')).body as QueueList).queues.map((q) => q.id)).not.toContain(queueId);
      expect((await as(people.eng, 'GET', path)).body).toMatchObject({ status: 'archived' });
      const reopened = await as(people.eng, 'POST', `${path}/reopen`);
      expect([reopened.status, reopened.body.code]).toEqual([409, 'queue.archived']);
      expect((await as(people.ann3, 'POST', `${path}/next`)).status).toBe(409);
      const before = await head();
      expect((await as(people.eng, 'POST', `/annotation-queues/not-a-uuid/close`)).status).toBe(400);
      expect((await as(people.eng, 'POST', `/annotation-queues/${randomUUID()}/close`)).status).toBe(404);
      expect(await head()).toBe(before);
    });

    it('closing races a reservation: the holder’s answer is kept within the reservation, anyone else is refused 409 queue.closed; archived, nobody; archived queues are listed on asking', async () => {
      const queueId = await createQueue({ name: 'Close race', kind: 'single', responsesRequired: 2, blind: false, source: { entryIds: [entry('turn-1'), entry('turn-2')] } });
      const path = `/annotation-queues/${queueId}`;
      const held = await next(people.ann1, queueId);
      expect(held).not.toBeNull();
      const itemId = held?.item.id as string;
      expect((await as(people.eng, 'POST', `${path}/close`)).status).toBe(200);

      // No reservation: refused, nothing appended.
      let before = await head();
      const stranger = await respond(people.ann2, queueId, itemId, { rating: 2 });
      expect([stranger.status, stranger.body.code]).toEqual([409, 'queue.closed']);
      expect(await head()).toBe(before);
      // The work in hand when the queue closed is kept; then the closed queue hands out nothing more.
      const kept = await respond(people.ann1, queueId, itemId, { rating: 5 });
      expect(kept.status).toBe(201);
      expect(((await as(people.eng, 'GET', `/annotations?queueId=${queueId}`)).body as AnnotationList).annotations.map((a) => [a.annotator, a.value])).toEqual([[people.ann1.id, { rating: 5 }]]);
      const closedNext = await as(people.ann1, 'POST', `${path}/next`);
      expect([closedNext.status, closedNext.body.code]).toEqual([409, 'queue.closed']);

      // Archived: final, even for a reservation that still runs.
      expect((await as(people.eng, 'POST', `${path}/reopen`)).status).toBe(200);
      const second = await next(people.ann2, queueId);
      expect(second).not.toBeNull();
      expect((await as(people.eng, 'DELETE', path)).status).toBe(200);
      before = await head();
      const late = await respond(people.ann2, queueId, second?.item.id as string, { rating: 1 });
      expect([late.status, late.body.code]).toEqual([409, 'queue.closed']);
      expect(await head()).toBe(before);

      // The archived queue leaves the default list and is listed with ?status=archived; items carry the read position.
      const ids = async (query: string) => ((await as(people.eng, 'GET', `/annotation-queues${query}`)).body as QueueList).queues.map((q) => q.id);
      expect(await ids('')).not.toContain(queueId);
      expect(await ids('?status=closed')).not.toContain(queueId);
      expect(await ids('?status=archived')).toContain(queueId);
      expect(await ids('?status=open')).not.toContain(queueId);
      const bad = await as(people.eng, 'GET', '/annotation-queues?status=gone');
      expect([bad.status, bad.body.fields?.[0]?.field]).toEqual([400, 'status']);
      const items = await as(people.eng, 'GET', `${path}/items?status=open`);
      expect(items.status).toBe(200);
      expect(Number(items.headers.get('x-read-position'))).toBeGreaterThanOrEqual(kept.body.position);
    });

    it('AI suggestions: an unusable judge reply is recorded as a failure, and next-item asks again later', async () => {
      llm.respondWith((request) => reply.text(judging(request) ? 'I would rather not say.' : 'not a judge call'));
      const queueId = await createQueue({ name: 'Judged ratings', kind: 'single', blind: false, suggestions: { agent: 'judge' }, source: { entryIds: [entry('turn-3')] } });
      const [item] = await itemsOf(queueId);
      await until('the failure', () => api.store.readStream(`annotation-queue-item-${item.id}`), (events) => events.some((e) => e.type === 'QueueItemSuggestionFailed'));
      expect(((await as(people.ann3, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork).suggestion).toBeNull();
      llm.respondWith((request) => reply.text(judging(request) ? '{"rating": 4, "rationale": "fine", "tags": ["helpful"]}' : 'not a judge call'));
      expect((await next(people.ann3, queueId))?.item.id).toBe(item.id);
      const work = await until(
        'the retried suggestion',
        async () => (await as(people.ann3, 'GET', `/annotation-queues/${queueId}/items/${item.id}`)).body as QueueItemWork,
        (w) => w.suggestion !== null,
      );
      expect(work.suggestion?.value).toEqual({ rating: 4, rationale: 'fine', tags: ['helpful'] });
      llm.respondWith(undefined);
    });
  });
}
