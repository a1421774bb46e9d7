import { ApiClient } from './api-client';
import { RunsClient } from './runs-client';

interface Call {
  readonly url: string;
  readonly method: string;
  readonly body: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A fetch that records every call and answers with `respond`. */
function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const call: Call = { url: String(input), method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('RunsClient', () => {
  const ok = (call: Call): Response => {
    if (call.url.endsWith('/entries')) return json(200, [], { 'x-read-position': '5' });
    return call.method === 'GET' && call.url.includes('/runs?') ? json(200, { runs: [], position: 7 }, { 'x-read-position': '9' }) : json(200, {});
  };

  it('calls every route of runs-api.ts with its method, path and body', async () => {
    const { calls, fetchImpl } = fakeFetch(ok);
    const client = new RunsClient(new ApiClient({ fetch: fetchImpl }));
    const start = { workflow: 'w', overrides: { task: 't' } };
    await client.startRun('p 1', start);
    await client.preflightRun('p 1', start);
    await expect(client.listRuns('p 1', { status: 'running' })).resolves.toEqual({ runs: [], position: 9 });
    await client.getRun('p 1', 'r1');
    await client.listRunEntries('p 1', 'r1');
    for (const control of ['pause', 'resume', 'step', 'cancel', 'retry'] as const) await client.controlRun('p 1', 'r1', control);
    await client.submitHumanTurn('p 1', 'r1', { agent: 'a', content: 'hi' });
    await client.chooseCandidate('p 1', 'r1', { candidate: 1 });
    await client.regenerateTurn('p 1', 'r1', 'turn-2', { model: 'm' });
    await client.rerun('p 1', 'r1');
    await client.getRunReplay('p 1', 'r1', 3);
    await client.getRunReplay('p 1', 'r1');
    await client.queryLogs('p 1', { q: 'a b', annotated: false, sort: 'oldest', after: 'c:1' });
    await client.getLogEntry('p 1', 'r1:turn-2');
    const runs = '/api/projects/p%201/runs';
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      `POST ${runs}`,
      `POST ${runs}/preflight`,
      `GET ${runs}?status=running`,
      `GET ${runs}/r1`,
      `GET ${runs}/r1/entries`,
      `POST ${runs}/r1/pause`,
      `POST ${runs}/r1/resume`,
      `POST ${runs}/r1/step`,
      `POST ${runs}/r1/cancel`,
      `POST ${runs}/r1/retry`,
      `POST ${runs}/r1/input`,
      `POST ${runs}/r1/choice`,
      `POST ${runs}/r1/turns/turn-2/regenerate`,
      `POST ${runs}/r1/rerun`,
      `GET ${runs}/r1/replay?count=3`,
      `GET ${runs}/r1/replay`,
      'GET /api/projects/p%201/logs?q=a+b&annotated=false&sort=oldest&after=c%3A1',
      'GET /api/projects/p%201/logs/r1%3Aturn-2',
    ]);
    expect(calls[0]?.body).toEqual(start);
    expect(calls[10]?.body).toEqual({ agent: 'a', content: 'hi' });
    expect(calls[11]?.body).toEqual({ candidate: 1 });
    expect(calls[12]?.body).toEqual({ model: 'm' });
    // Entries carry the read position of their read model.
    expect(await client.listRunEntries('p', 'r')).toEqual({ items: [], position: 5 });
  });
});
