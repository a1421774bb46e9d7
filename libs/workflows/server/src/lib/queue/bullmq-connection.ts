import { createBunRedisClient, type IRedisClient } from 'bullmq';
import { RedisClient } from './redis/redis-client';

/** A BullMQ connection over this workspace's RESP client (see RedisClient for why). */
export function bullmqConnection(url: string): IRedisClient {
  return createBunRedisClient(new RedisClient(url));
}
