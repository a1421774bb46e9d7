import { testRedisUrl as redisUrl } from '@camel/server/testing';
import { Queue, Worker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { bullmqConnection } from '../bullmq-connection';
import { RedisClient, parseRedisUrl } from './redis-client';
import { RedisReplyError } from './resp';

describe('RedisClient on a real Redis', () => {
  const clients: RedisClient[] = [];
  const client = async () => {
    const created = new RedisClient(redisUrl());
    clients.push(created);
    await created.connect();
    return created;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  it('pipelines concurrent commands and answers each in order, binary-safe, with errors as rejections', async () => {
    const redis = await client();
    const key = `test:${randomUUID()}`;
    const replies = await Promise.all([
      redis.send('SET', [key, Buffer.from([0x68, 0x69])]),
      redis.send('GET', [key]),
      redis.send('INCR', [`${key}:n`]),
      redis.send('RPUSH', [`${key}:l`, 'a', 'b']),
      redis.send('LRANGE', [`${key}:l`, 0, -1]),
      redis.send('GET', [`${key}:missing`]),
    ]);
    expect(replies).toEqual(['OK', 'hi', 1, 2, ['a', 'b'], null]);
    await expect(redis.send('INCR', [`${key}:l`])).rejects.toBeInstanceOf(RedisReplyError);
    expect(await redis.send('EVAL', ['return {1, redis.pcall("INCR", KEYS[1]), "x"}', 1, `${key}:l`])).toEqual([1, expect.any(RedisReplyError), 'x']);
    // A large reply split over many chunks still decodes whole.
    const big = 'x'.repeat(300_000);
    await redis.send('SET', [key, big]);
    expect(await redis.get(key)).toBe(big);
  });

  it('delivers published messages to a subscriber connection', async () => {
    const subscriber = await client();
    const publisher = await client();
    const channel = `test:${randomUUID()}`;
    const received: string[] = [];
    await subscriber.subscribe(channel, (_, message) => received.push(message));
    for (const message of ['one', 'two', 'three']) await publisher.send('PUBLISH', [channel, message]);
    await publisher.send('PING');
    for (let i = 0; i < 50 && received.length < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(['one', 'two', 'three']);
  });

  it('keeps trying to connect until Redis answers, and stops trying when closed', async () => {
    const unreachable = new RedisClient('redis://127.0.0.1:1');
    const connecting = unreachable.connect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    unreachable.close();
    await expect(connecting).rejects.toThrow('Connection is closed.');
  });

  it('reads host, port, TLS, credentials and database from the URL', () => {
    expect(parseRedisUrl('rediss://user:p%40ss@cache.example:6380/2')).toEqual({ host: 'cache.example', port: 6380, tls: true, username: 'user', password: 'p@ss', db: 2 });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, tls: false, db: 0 });
  });

  it('carries BullMQ: jobs added to a queue are processed by a worker, delayed ones at their time', async () => {
    const prefix = `test-${randomUUID()}`;
    const queueConnection = bullmqConnection(redisUrl());
    const workerConnection = bullmqConnection(redisUrl());
    const queue = new Queue('roundtrip', { connection: queueConnection, prefix });
    const seen: { id: string; at: number }[] = [];
    const worker = new Worker('roundtrip', async (job: Job<{ n: number }>) => {
      seen.push({ id: job.id as string, at: Date.now() });
      return job.data.n * 2;
    }, { connection: workerConnection, prefix, concurrency: 5 });
    try {
      const start = Date.now();
      await queue.add('n', { n: 1 }, { jobId: 'now' });
      await queue.add('n', { n: 2 }, { jobId: 'later', delay: 400 });
      for (let i = 0; i < 200 && seen.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen.map((s) => s.id)).toEqual(['now', 'later']);
      expect(seen[1].at - start).toBeGreaterThanOrEqual(380);
      expect(await (await queue.getJob('now'))?.returnvalue).toBe(2);
    } finally {
      await worker.close();
      await queue.close();
      await queueConnection.quit();
      await workerConnection.quit();
    }
  });
});
