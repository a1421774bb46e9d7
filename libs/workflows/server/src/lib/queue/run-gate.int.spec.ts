import { testRedisUrl as redisUrl } from '@camel/server/testing';
import { randomUUID } from 'node:crypto';
import { queueKeys } from './queue-keys';
import { RedisClient } from './redis/redis-client';
import { RunGate } from './run-gate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run lock on a real Redis; each gate has its own connection, as two worker processes would. */
describe('RunGate: one pass per run at a time across workers', () => {
  const keys = queueKeys(`test-${randomUUID()}`);
  const clients: RedisClient[] = [];
  const connection = async () => {
    const client = new RedisClient(redisUrl());
    clients.push(client);
    await client.connect();
    return client;
  };
  const gate = async (ttlMs = 2000, warnings: string[] = []) => new RunGate(await connection(), keys, ttlMs, (message) => warnings.push(message));
  afterAll(() => clients.forEach((client) => client.close()));

  it('never runs two passes of one run at once, and a request made during a pass is passed again, not stranded', async () => {
    const gates = [await gate(), await gate()];
    const runId = randomUUID();
    let active = 0;
    let most = 0;
    const passStarts: number[] = [];
    const pass = async () => {
      active += 1;
      most = Math.max(most, active);
      passStarts.push(Date.now());
      await sleep(15);
      active -= 1;
      return 'idle';
    };
    const requestedAt: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await sleep(i * 7);
        requestedAt.push(Date.now());
        return gates[i % 2].exclusive(runId, pass);
      }),
    );
    expect(most).toBe(1);
    expect(results.filter((r) => r.type === 'contended').length).toBeGreaterThan(0);
    // Every contended request was folded into a holder's next pass: one started after the last request.
    expect(Math.max(...passStarts)).toBeGreaterThanOrEqual(Math.max(...requestedAt));
    // Requests are folded, not multiplied: never more passes than requests.
    expect(passStarts.length).toBeLessThanOrEqual(30);
    // Another run is never held up by this one.
    expect(await gates[0].exclusive(randomUUID(), async () => 'other')).toMatchObject({ type: 'passed', outcome: 'other' });
  });

  it('keeps the lock through a pass longer than its expiry by renewing it', async () => {
    const warnings: string[] = [];
    // Expiry 1 s, renewed every third of it: generous enough that a loaded CI machine's event-loop
    // stalls do not let it lapse (the assertion below is that it never does).
    const [holder, other] = [await gate(1000, warnings), await gate(1000)];
    const runId = randomUUID();
    const seen: string[] = [];
    let passes = 0;
    const held = holder.exclusive(runId, async () => {
      passes += 1;
      if (passes > 1) return 'the pass asked for meanwhile';
      // Past the 1 s expiry more than twice over, another worker still finds the run locked.
      for (let i = 0; i < 3; i += 1) {
        await sleep(1000);
        seen.push((await other.exclusive(runId, async () => 'stolen')).type);
      }
      return 'long pass';
    });
    // The requests made meanwhile each asked for another pass: the holder passes again once.
    expect(await held).toEqual({ type: 'passed', outcome: 'the pass asked for meanwhile', passes: 2 });
    expect(seen).toEqual(['contended', 'contended', 'contended']);
    expect(warnings).toEqual([]);
  });

  it('lets another worker take over when the holder died (its lock expires), telling the caller when to look again', async () => {
    const raw = await connection();
    const runId = randomUUID();
    // A worker that took the lock and was killed: nobody renews or releases it.
    await raw.send('SET', [keys.lock(runId), 'dead-worker', 'PX', 400]);
    const survivor = await gate(400);
    const first = await survivor.exclusive(runId, async () => 'too early');
    expect(first.type).toBe('contended');
    const retryInMs = first.type === 'contended' ? first.retryInMs : 0;
    expect(retryInMs).toBeGreaterThan(50);
    expect(retryInMs).toBeLessThanOrEqual(450);
    await sleep(retryInMs);
    expect(await survivor.exclusive(runId, async () => 'taken over')).toMatchObject({ type: 'passed', outcome: 'taken over' });
    expect(await raw.send('EXISTS', [keys.lock(runId)])).toBe(0);
  });

  it('releases only its own lock: a holder whose lock expired and was taken does not free the new holder', async () => {
    const raw = await connection();
    const runId = randomUUID();
    const holder = await gate(2000);
    await holder.exclusive(runId, async () => {
      // Meanwhile the lock expired and another worker took it.
      await raw.send('SET', [keys.lock(runId), 'new-holder', 'PX', 5000]);
      return 'late';
    });
    expect(await raw.send('GET', [keys.lock(runId)])).toBe('new-holder');
  });

  it('releases the lock when a pass throws, so the retry can run', async () => {
    const runId = randomUUID();
    const worker = await gate();
    await expect(worker.exclusive(runId, async () => Promise.reject(new Error('database went away')))).rejects.toThrow('database went away');
    expect(await worker.exclusive(runId, async () => 'retried')).toMatchObject({ type: 'passed', outcome: 'retried', passes: 1 });
  });
});
