import { CAMEL_TASK_DONE, LIVE_EVENTS_PATH, type DatasetAccepted, type RecordedEvent, type DatasetPreview, type DatasetVersionView, type LogEntryDetail, type LogEntryView, type RunView } from '@camel/contracts';
import { promptText } from '@camel/datasets';
import { adjudicateQueueItem, appendAnnotation, completeQueueItem, createQueue, reviseAnnotation, withdrawAnnotation } from '@camel/datasets/server/testing';
import type { Engine } from '@camel/event-store/testing';
import type { ProjectionRunner } from '@camel/event-store';
import { PROJECTION_RUNNER } from '@camel/server';
import { reply, rolePlayWorkflowYaml, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer } from '@camel/workflows/server/testing';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { startTestApi, type TestApi } from './api-harness';
import { pollUntil } from './poll-until';

const KEY_ENV = 'DATASETS_SUITE_LLM_KEY';

const agents = (baseUrl: string) => testAgentsYaml(baseUrl, KEY_ENV, [TEST_AGENTS.programmer, TEST_AGENTS.trader]);
const ROLE_PLAY = rolePlayWorkflowYaml({ maxTurns: 4 });

/** A file of both TRL formats, with text that needs CSV quoting; its content hash is pinned below (both engines, every run). */
export const IMPORT_FILE = [
  JSON.stringify({ prompt: 'Say "hi", politely.', chosen: 'Hello, "friend".', rejected: 'hi' }),
  '',
  JSON.stringify({
    prompt: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Two lines?' },
    ],
    chosen: [{ role: 'assistant', content: 'one\ntwo' }],
    rejected: [{ role: 'assistant', content: 'one two' }],
  }),
  JSON.stringify({ prompt: 'Say "hi", politely.', chosen: 'Hello, "friend".', rejected: 'hi' }),
].join('\n');
/** sha256 of the import's pairs (docs/api.md): the same on both engines and in every run. */
const IMPORT_HASH = 'ccb38857612cc374d1c3c99527c3037da01aa72cbe2c08c1eebb97c155ef7b3f';
/** Of the first snapshot below: the runs' prompts and replies are scripted, so its pairs (and hash) are too. */
const PAIRWISE_HASH = '93891639e974e67fc06a0efba49f82d48f9d5a88a495ac508ed0c5a7c1d0547d';


/** Datasets through the real api: runs answered by a local OpenAI-compatible server, annotations appended as the contract's events. */
export function datasetsApiSuite(engine: Engine): void {
  describe(`datasets API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let llm: OpenAiTestServer;
    let projectId: string;
    const base = () => `/api/projects/${projectId}`;
    const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => pollUntil(what, read, done, { timeoutMs: 15_000, intervalMs: 25 });
    const entries = async (runId: string) => (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as LogEntryView[];
    const detail = async (entryId: string) => (await api.request('GET', `${base()}/logs/${encodeURIComponent(entryId)}`)).body as LogEntryDetail;
    const head = () => api.store.headPosition();

    /** A completed role-play whose second turn (the assistant's) has one regenerated alternative. */
    async function runWithAlternative(solution: string, second: string): Promise<{ runId: string; turn: string; alternative: string }> {
      llm.enqueue(reply.text('Instruction: write it.\nInput: None'), reply.text(solution), reply.text(CAMEL_TASK_DONE));
      const started = await api.request('POST', `${base()}/runs`, { workflow: 'trading' });
      expect(started.status).toBe(201);
      const runId = started.body.id as string;
      await until(`run ${runId}`, async () => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView, (run) => run.status === 'completed');
      llm.enqueue(reply.text(second));
      expect((await api.request('POST', `${base()}/runs/${runId}/turns/turn-2/regenerate`, {})).status).toBe(201);
      const list = await until('the alternative', () => entries(runId), (all) => all.some((e) => e.kind === 'alternative'));
      const alternative = list.find((e) => e.kind === 'alternative') as LogEntryView;
      return { runId, turn: `${runId}:turn-2`, alternative: alternative.id };
    }

    const snapshot = async (body: unknown) => api.request('POST', `${base()}/datasets`, body);
    const created = async (body: unknown): Promise<DatasetAccepted> => {
      const answer = await snapshot(body);
      expect([answer.status, answer.body]).toEqual([201, expect.objectContaining({ id: expect.any(String) })]);
      return answer.body;
    };
    const version = async (made: DatasetAccepted) => (await api.request('GET', `${base()}/datasets/${made.id}/versions/${made.datasetVersion}`)).body as DatasetVersionView;
    const exported = async (made: DatasetAccepted, query = '') => {
      const response = await fetch(`${api.baseUrl}${base()}/datasets/${made.id}/versions/${made.datasetVersion}/export${query}`, {
        headers: { authorization: `Bearer ${api.ownerToken}` },
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const lines = (text: string) => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);

    let r1: Awaited<ReturnType<typeof runWithAlternative>>;
    let r2: Awaited<ReturnType<typeof runWithAlternative>>;

    beforeAll(async () => {
      process.env[KEY_ENV] = 'sk-test-datasets-suite';
      llm = await startOpenAiTestServer();
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Datasets' })).body.id;
      const saved = await api.request('POST', `${base()}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents(llm.url), 'workflows/trading.yaml': ROLE_PLAY }, message: 'datasets' });
      expect(saved.status).toBe(201);
      r1 = await runWithAlternative('Solution: use pandas. Next request.', 'Solution: use numpy, with tests. Next request.');
      r2 = await runWithAlternative('Solution: buy low. Next request.', 'Solution: sell high. Next request.');
    });
    afterAll(async () => {
      await api?.close();
      await llm?.close();
      delete process.env[KEY_ENV];
    });

    it('makes pairwise pairs from the entry’s exact prompt; duplicates merge, withdrawn answers drop; both TRL formats have exactly their fields', async () => {
      const pairwise = (choice: 'A' | 'B') => ({ preference: { alternativeEntryId: r1.alternative, choice } });
      const a1 = await appendAnnotation(api.store, { projectId, entryId: r1.turn, value: pairwise('B'), annotator: 'user:ann-1' });
      const a2 = await appendAnnotation(api.store, { projectId, entryId: r1.turn, value: pairwise('B'), annotator: 'user:ann-2' });
      const a3 = await appendAnnotation(api.store, { projectId, entryId: r1.turn, value: pairwise('A'), annotator: 'user:ann-3' });
      await withdrawAnnotation(api.store, projectId, a3.annotationId);
      const made = await created({ name: 'r1-pairwise', selection: { kind: 'filter', filter: { runId: r1.runId } }, split: { testRatio: 0, seed: 1 } });
      expect(made.datasetVersion).toBe(1);
      const view = await version(made);
      expect(view).toMatchObject({
        name: 'r1-pairwise',
        version: 1,
        origin: 'snapshot',
        counts: { pairs: 1, tiesSkipped: 0, duplicatesRemoved: 1, train: 1, test: 0 },
        lineage: { annotations: 2, runIds: [r1.runId], configVersions: [1] },
      });
      expect(view.contentHash).toBe(PAIRWISE_HASH);
      const turn = await detail(r1.turn);
      const alternative = await detail(r1.alternative);
      const standard = await exported(made, '?format=standard');
      expect(standard.status).toBe(200);
      expect(standard.headers.get('content-type')).toContain('application/x-ndjson');
      expect(standard.headers.get('x-content-hash')).toBe(view.contentHash);
      const [line] = lines(standard.text);
      expect(lines(standard.text)).toHaveLength(1);
      expect(Object.keys(line)).toEqual(['prompt', 'chosen', 'rejected']);
      expect(line).toEqual({ prompt: promptText(turn.prompt), chosen: alternative.content, rejected: turn.content });
      const conversational = lines((await exported(made, '?format=conversational')).text);
      expect(conversational).toEqual([
        {
          prompt: turn.prompt.map((m) => ({ role: m.role, content: m.content })),
          chosen: [{ role: 'assistant', content: alternative.content }],
          rejected: [{ role: 'assistant', content: turn.content }],
        },
      ]);
      const preview = (await api.request('GET', `${base()}/datasets/${made.id}/versions/1/preview?limit=5`)).body as DatasetPreview;
      expect(preview.pairs).toEqual([expect.objectContaining({ index: 0, split: 'train', source: 'pairwise', entryId: r1.turn, annotationIds: [a1.annotationId, a2.annotationId].sort() })]);
    });

    it('selects by the logs filter’s full text, termination reason and annotated as well (as of the snapshot’s position)', async () => {
      const reason = ((await api.request('GET', `${base()}/runs/${r1.runId}`)).body as RunView).terminationReason;
      expect(reason).not.toBeNull();
      const other = reason === 'max_turns' ? 'task_done' : 'max_turns';
      const by = (filter: object) => snapshot({ name: `by-${randomUUID()}`, selection: { kind: 'filter', filter: { runId: r1.runId, ...filter } }, split: { testRatio: 0, seed: 1 } });
      // The annotated entry (the turn, not its alternative) says "Solution: use pandas. Next request."
      for (const filter of [{ q: 'PANDAS next', reason, annotated: true }, { q: '"use pandas" or nothing' }, { q: '-numpy' }]) {
        const hit = await by(filter);
        expect([hit.status, hit.body.code]).toEqual([201, undefined]);
        expect((await version(hit.body)).contentHash).toBe(PAIRWISE_HASH);
      }
      const before = await head();
      for (const filter of [{ q: 'numpy' }, { q: 'pandas -next' }, { q: '"pandas use"' }, { reason: other }, { annotated: false }]) {
        const miss = await by(filter);
        expect([miss.status, miss.body.code, miss.body.fields?.[0]?.field]).toEqual([400, 'dataset.empty', 'selection.filter']);
      }
      expect(await head()).toBe(before);
    });

    it('counts ties without pairs and takes a revised correction at its latest value', async () => {
      await appendAnnotation(api.store, { projectId, entryId: r2.turn, value: { preference: { alternativeEntryId: r2.alternative, choice: 'equal' } } });
      await appendAnnotation(api.store, { projectId, entryId: r2.turn, value: { preference: { alternativeEntryId: r2.alternative, choice: 'both_bad' } } });
      const correction = await appendAnnotation(api.store, { projectId, entryId: r2.turn, value: { correction: 'Solution: first draft.' } });
      await reviseAnnotation(api.store, projectId, correction.annotationId, { correction: 'Solution: diversify. Next request.', rationale: 'safer' });
      const made = await created({ name: 'r2', selection: { kind: 'filter', filter: { runId: r2.runId, agent: 'programmer' } } });
      expect((await version(made)).counts).toMatchObject({ pairs: 1, tiesSkipped: 2, duplicatesRemoved: 0 });
      const turn = await detail(r2.turn);
      expect(lines((await exported(made)).text)).toEqual([{ prompt: promptText(turn.prompt), chosen: 'Solution: diversify. Next request.', rejected: turn.content }]);
      // A filter that matches none of the annotated entries selects nothing: a 400 naming the selection, nothing appended.
      const before = await head();
      const empty = await snapshot({ name: 'none', selection: { kind: 'filter', filter: { runId: r2.runId, agent: 'trader' } } });
      expect([empty.status, empty.body.code, empty.body.fields?.[0]?.field]).toEqual([400, 'dataset.empty', 'selection.filter']);
      expect(await head()).toBe(before);
    });

    it('takes a queue’s completed items; an adjudication replaces the annotators’ answers', async () => {
      const queueId = randomUUID();
      await createQueue(api.store, { queueId, projectId });
      const disagree = [
        await appendAnnotation(api.store, { projectId, entryId: r1.turn, queueId, itemId: 'i1', value: { preference: { alternativeEntryId: r1.alternative, choice: 'A' } } }),
        await appendAnnotation(api.store, { projectId, entryId: r1.turn, queueId, itemId: 'i1', value: { preference: { alternativeEntryId: r1.alternative, choice: 'B' } } }),
      ].map((a) => a.annotationId);
      const extra = await appendAnnotation(api.store, { projectId, entryId: r1.turn, queueId, itemId: 'i1', extra: true, value: { correction: 'extra, never counted' } });
      await completeQueueItem(api.store, { queueId, projectId, itemId: 'i1', entryId: r1.turn, annotationIds: disagree });
      await adjudicateQueueItem(api.store, { queueId, projectId, itemId: 'i1', entryId: r1.turn, decidedBy: 'user:lead', value: { preference: { alternativeEntryId: r1.alternative, choice: 'A' } }, note: 'A is right' });
      const corrected = await appendAnnotation(api.store, { projectId, entryId: r2.turn, queueId, itemId: 'i2', value: { correction: 'Solution: hedge. Next request.' } });
      await completeQueueItem(api.store, { queueId, projectId, itemId: 'i2', entryId: r2.turn, annotationIds: [corrected.annotationId] });
      // Not completed: not in the dataset.
      await appendAnnotation(api.store, { projectId, entryId: r2.turn, queueId, itemId: 'i3', value: { correction: 'Solution: pending. Next request.' } });
      const made = await created({ name: 'queue', selection: { kind: 'queue', queueId }, split: { testRatio: 0, seed: 3 } });
      const view = await version(made);
      expect(view.counts).toMatchObject({ pairs: 2, tiesSkipped: 0, duplicatesRemoved: 0 });
      expect(view.lineage).toMatchObject({ annotations: 3, runIds: [r1.runId, r2.runId].sort() });
      const turn1 = await detail(r1.turn);
      const alternative1 = await detail(r1.alternative);
      const got = lines((await exported(made)).text);
      expect(got).toHaveLength(2);
      expect(got).toEqual(expect.arrayContaining([{ prompt: promptText(turn1.prompt), chosen: turn1.content, rejected: alternative1.content }]));
      expect(JSON.stringify(got)).not.toContain('extra, never counted');
      expect(JSON.stringify(got)).not.toContain('pending');
      void extra;
    });

    it('refuses a queue selection naming no queue of the project (404, or 400 when not a UUID) instead of an empty dataset, and a missing version names it', async () => {
      const before = await head();
      const cases = [
        [{ kind: 'queue', queueId: randomUUID() }, 404, 'queue.not-found'],
        [{ kind: 'queue', queueId: 'not-a-uuid' }, 400, 'dataset.selection.queue'],
      ] as const;
      for (const [selection, status, code] of cases) {
        const refused = await snapshot({ name: 'nowhere', selection });
        expect([refused.status, refused.body.code, refused.body.fields?.[0]?.field]).toEqual([status, code, 'selection.queueId']);
      }
      // A queue of another project is not found either.
      const elsewhere = randomUUID();
      expect(await head()).toBe(before);
      const queued = await createQueue(api.store, { queueId: elsewhere, projectId: randomUUID() });
      const foreign = await snapshot({ name: 'nowhere', selection: { kind: 'queue', queueId: elsewhere } });
      expect([foreign.status, foreign.body.code]).toEqual([404, 'queue.not-found']);
      expect(await head()).toBe(queued);
      const made = await created({ name: 'one-version', selection: { kind: 'filter', filter: { workflow: 'trading' } } });
      const missing = await api.request('GET', `${base()}/datasets/${made.id}/versions/99/export`);
      expect([missing.status, missing.body.code, missing.body.fields?.[0]?.field]).toEqual([404, 'dataset.version-not-found', 'version']);
      expect((await api.request('GET', `${base()}/datasets/${randomUUID()}/versions/1/export`)).body.code).toBe('dataset.not-found');
    });

    it('versions a name; a version never changes, exports byte-identically, and is rebuilt identically from the log; the seed fixes the split', async () => {
      const body = { name: 'versioned', selection: { kind: 'filter', filter: { workflow: 'trading' } }, split: { testRatio: 0.5, seed: 42 } };
      const v1 = await created(body);
      const first = await exported(v1, '?format=conversational');
      await appendAnnotation(api.store, { projectId, entryId: r2.alternative, value: { correction: 'Solution: a later answer. Next request.' } });
      const v2 = await created(body);
      expect([v1.datasetVersion, v2.datasetVersion, v2.id]).toEqual([1, 2, v1.id]);
      const [view1, view2] = [await version(v1), await version(v2)];
      expect(view2.counts.pairs).toBe(view1.counts.pairs + 1);
      expect((await exported(v1, '?format=conversational')).text).toBe(first.text);
      const train = lines((await exported(v2, '?split=train')).text);
      const test = lines((await exported(v2, '?split=test')).text);
      expect([train.length, test.length]).toEqual([view2.counts.train, view2.counts.test]);
      // The same seed puts every pair of v1 in the same split in v2.
      const previewOf = async (made: DatasetAccepted) =>
        ((await api.request('GET', `${base()}/datasets/${made.id}/versions/${made.datasetVersion}/preview?limit=100`)).body as DatasetPreview).pairs;
      const splitOf = new Map((await previewOf(v2)).map((p) => [p.chosen + p.rejected, p.split]));
      for (const pair of await previewOf(v1)) expect(splitOf.get(pair.chosen + pair.rejected)).toBe(pair.split);
      // Dropped and replayed from position 0: the same versions, pairs and bytes.
      const csvBefore = (await exported(v2, '?format=csv')).text;
      await api.app.get<ProjectionRunner>(PROJECTION_RUNNER).rebuild('datasets');
      expect(await version(v1)).toEqual(view1);
      expect(await version(v2)).toEqual(view2);
      expect((await exported(v1, '?format=conversational')).text).toBe(first.text);
      expect((await exported(v2, '?format=csv')).text).toBe(csvBefore);
      const list = await api.request('GET', `${base()}/datasets`);
      expect(list.body.datasets.find((d: { name: string }) => d.name === 'versioned').latest.version).toBe(2);
      expect(Number(list.headers.get('x-read-position'))).toBeGreaterThan(0);
    });

    it('imports a JSONL file of either TRL format: deduplicated, hash pinned, CSV quoted per RFC 4180', async () => {
      const imported = await api.request('POST', `${base()}/datasets/import`, { name: 'imported', content: IMPORT_FILE, split: { testRatio: 0, seed: 1 } });
      expect(imported.status).toBe(201);
      const made = imported.body as DatasetAccepted;
      const view = await version(made);
      expect(view).toMatchObject({ origin: 'import', counts: { pairs: 2, duplicatesRemoved: 1, tiesSkipped: 0 }, lineage: { annotations: 0, runIds: [], configVersions: [] } });
      expect(view.contentHash).toBe(IMPORT_HASH);
      const standard = lines((await exported(made)).text);
      expect(standard).toEqual(
        expect.arrayContaining([
          { prompt: 'Say "hi", politely.', chosen: 'Hello, "friend".', rejected: 'hi' },
          { prompt: 'system: You are terse.\n\nuser: Two lines?', chosen: 'one\ntwo', rejected: 'one two' },
        ]),
      );
      const csv = (await exported(made, '?format=csv')).text;
      expect(csv.startsWith('prompt,chosen,rejected\r\n')).toBe(true);
      expect(csv).toContain('"Say ""hi"", politely.","Hello, ""friend"".",hi\r\n');
      expect(csv).toContain('"system: You are terse.\n\nuser: Two lines?","one\ntwo",one two\r\n');
    });

    it('takes annotations made through the annotations API (the contract events, recorded by their context)', async () => {
      const made = await api.request('POST', `${base()}/annotations`, { entryId: r2.turn, value: { preference: { alternativeEntryId: r2.alternative, choice: 'A' } } });
      expect(made.status).toBe(201);
      const snapshotted = await created({ name: 'via-api', selection: { kind: 'filter', filter: { runId: r2.runId } } });
      const turn = await detail(r2.turn);
      const alternative = await detail(r2.alternative);
      const preview = (await api.request('GET', `${base()}/datasets/${snapshotted.id}/versions/1/preview?limit=100`)).body as DatasetPreview;
      expect(preview.pairs).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'pairwise', chosen: turn.content, rejected: alternative.content, annotationIds: [made.body.id] })]),
      );
    });

    it('announces a new version on the project topic', async () => {
      const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
      try {
        const types: string[] = [];
        socket.on('events', (message: { events: RecordedEvent[] }, ack?: () => void) => {
          types.push(...message.events.map((e) => e.type));
          ack?.();
        });
        await new Promise<void>((done) => socket.on('connect', () => done()));
        const after = await head();
        const reply = await new Promise<{ ok: boolean }>((done) => socket.emit('subscribe', { subscriptionId: 'datasets', topic: { kind: 'project', projectId }, after }, done));
        expect(reply.ok).toBe(true);
        await created({ name: 'live', selection: { kind: 'filter', filter: { runId: r1.runId } } });
        await until('the snapshot event', async () => types, (seen) => seen.includes('DatasetSnapshotCreated'));
      } finally {
        socket.close();
      }
    });

    it('refuses a bad import with every problem positioned, and bad snapshot input naming the field; nothing is appended', async () => {
      const before = await head();
      const bad = [
        JSON.stringify({ prompt: 'ok', chosen: 'a', rejected: 'b' }),
        '{not json',
        JSON.stringify({ prompt: 'p', chosen: 'a' }),
        JSON.stringify({ prompt: [{ role: 'user', content: 'q' }], chosen: [{ role: 'user', content: 'a' }], rejected: [{ role: 'assistant', content: 'b' }] }),
        JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b', score: 1 }),
      ].join('\n');
      const refused = await api.request('POST', `${base()}/datasets/import`, { name: 'bad', content: bad });
      expect([refused.status, refused.body.code, refused.body.fields?.[0]?.field]).toEqual([400, 'dataset.import.invalid', 'content']);
      expect(refused.body.details.problems).toEqual([
        { line: 2, field: 'line', message: expect.stringContaining('not valid JSON') },
        { line: 3, field: 'rejected', message: 'is required' },
        { line: 4, field: 'chosen', message: 'must be exactly one assistant message' },
        { line: 5, field: 'score', message: expect.any(String) },
      ]);
      const cases: [unknown, string][] = [
        [{ name: '', selection: { kind: 'filter', filter: {} } }, 'name'],
        [{ name: 'x', selection: { kind: 'filter', filter: { colour: 'red' } } }, 'selection.filter.colour'],
        [{ name: 'x', selection: { kind: 'filter', filter: { from: 'yesterday' } } }, 'selection.filter.from'],
        [{ name: 'x', selection: { kind: 'filter', filter: { role: 'boss' } } }, 'selection.filter.role'],
        [{ name: 'x', selection: { kind: 'filter', filter: { reason: 'bored' } } }, 'selection.filter.reason'],
        [{ name: 'x', selection: { kind: 'filter', filter: { annotated: 'yes' } } }, 'selection.filter.annotated'],
        [{ name: 'x', selection: { kind: 'filter', filter: { q: ' ' } } }, 'selection.filter.q'],
        [{ name: 'x', selection: { kind: 'everything' } }, 'selection.kind'],
        [{ name: 'x', selection: { kind: 'filter', filter: {} }, split: { testRatio: 1, seed: 1 } }, 'split.testRatio'],
        [{ name: 'x', selection: { kind: 'filter', filter: {} }, split: { testRatio: 0.1, seed: 1.5 } }, 'split.seed'],
        [{ name: 'x', selection: { kind: 'filter', filter: {} }, extra: true }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const answer = await snapshot(body);
        expect([answer.status, answer.body.fields?.map((f: { field: string }) => f.field)]).toEqual([400, expect.arrayContaining([field])]);
      }
      const badVersion = await api.request('GET', `${base()}/datasets/${randomUUID()}/versions/one`);
      expect([badVersion.status, badVersion.body.fields?.[0]?.field]).toEqual([400, 'version']);
      expect((await api.request('GET', `${base()}/datasets/${randomUUID()}/versions/1/export`)).status).toBe(404);
      expect((await api.request('GET', `${base()}/datasets/${randomUUID()}/versions/1/export?format=xml`)).status).toBe(400);
      expect(await head()).toBe(before);
    });

    // A table lock on one of the datasets tables (reads allowed, writes wait) keeps that one read model
    // behind the log. Not a row lock: a transaction holding one has a transaction id, and no event
    // after it is final until it ends (the store's head would stay behind as well). SQLite locks the
    // whole database, appends included.
    if (engine === 'postgres') {
      it('answers 409 dataset.read-model-behind while the datasets read model is held behind the log, appending nothing; once it catches up the same request takes the answer', async () => {
        let release!: () => void;
        const held = new Promise<void>((done) => (release = done));
        let locked!: () => void;
        const isLocked = new Promise<void>((done) => (locked = done));
        const holder = api.store.db.transaction(async (tx) => {
          await tx.exec('LOCK TABLE dataset_annotations IN EXCLUSIVE MODE');
          locked();
          await held;
        });
        const body = { name: 'held-back', selection: { kind: 'filter', filter: { runId: r1.runId } }, split: { testRatio: 0, seed: 1 } };
        const late = 'Solution: written while the read model was held. Next request.';
        try {
          await isLocked;
          await appendAnnotation(api.store, { projectId, entryId: r1.turn, value: { correction: late } });
          const before = await head();
          const behind = await snapshot(body);
          expect([behind.status, behind.body.code]).toEqual([409, 'dataset.read-model-behind']);
          expect(await head()).toBe(before);
          expect((await api.request('GET', `${base()}/datasets`)).body.datasets.map((d: { name: string }) => d.name)).not.toContain('held-back');
        } finally {
          release();
          await holder;
        }
        const made = await created(body);
        const preview = (await api.request('GET', `${base()}/datasets/${made.id}/versions/1/preview?limit=100`)).body as DatasetPreview;
        expect(preview.pairs.map((p) => p.chosen)).toContain(late);
      });
    }
  });
}
