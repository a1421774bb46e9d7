import type { EventMetadata } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../lib/types';
import { uuidv7 } from '@camel/kernel';

export const testMetadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  actor: { type: 'system', id: 'test' },
  correlationId: randomUUID(),
  time: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

export const makeEvent = (type = 'Something', data: unknown = { n: 1 }, id: string = uuidv7()): NewEvent => ({
  id,
  type,
  data,
  metadata: testMetadata(),
});
