import type { DatasetAccepted, DatasetVersionView } from '@camel/contracts';
import { measureExport, syntheticPairs } from '@camel/datasets/server/testing';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { pollUntil } from '../testing/poll-until';

/**
 * A 100k-pair export streams: the api (in this process) holds one page of pairs at a time, so the
 * process's peak live heap (after collection) while downloading 100k pairs (~25 MB of JSONL) stays
 * far below the file's size (an export built in memory holds the file and every row: well over
 * 100 MB), and near a 10k-pair export's peak.
 */
const PAIR_SIZE = 180;
const LIVE_BOUND_MB = 16;
const FLAT_MB = 8;

let api: TestApi;
let projectId: string;

beforeAll(async () => {
  api = await startTestApi('sqlite');
  projectId = (await api.request('POST', '/api/projects', { name: 'Big export' })).body.id;
}, 60_000);
afterAll(() => api?.close(), 60_000);

async function imported(name: string, count: number): Promise<DatasetAccepted> {
  const answer = await api.request('POST', `/api/projects/${projectId}/datasets/import`, { name, content: syntheticPairs(count, PAIR_SIZE), split: { testRatio: 0, seed: 1 } });
  expect(answer.status).toBe(201);
  const made = answer.body as DatasetAccepted;
  await pollUntil(
    `${name} projected`,
    async () => (await api.request('GET', `/api/projects/${projectId}/datasets/${made.id}/versions/${made.datasetVersion}`)).body as DatasetVersionView,
    (view) => view.counts?.pairs === count,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  return made;
}

it('exports 100k pairs with the heap bounded like for 10k', async () => {
  const small = await imported('small', 10_000);
  const large = await imported('large', 100_000);
  const url = (made: DatasetAccepted) => `${api.baseUrl}/api/projects/${projectId}/datasets/${made.id}/versions/${made.datasetVersion}/export?format=conversational`;
  const tenK = await measureExport(url(small), api.ownerToken);
  const hundredK = await measureExport(url(large), api.ownerToken);
  expect([tenK.lines, hundredK.lines]).toEqual([10_000, 100_000]);
  expect(hundredK.bytes).toBeGreaterThan(20 * 2 ** 20);
  expect(hundredK.liveMb).toBeLessThan(LIVE_BOUND_MB);
  expect(hundredK.liveMb).toBeLessThan(tenK.liveMb + FLAT_MB);
}, 900_000);
