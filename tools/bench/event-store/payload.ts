import type { EventMetadata } from '@camel/contracts';
import { uuidv7 } from '@camel/kernel';
import { type NewEvent } from '@camel/event-store';
import { randomUUID } from 'node:crypto';

const INSTRUCTIONS = [
  'Compare the two candidate answers side by side; prefer factual accuracy over style and flag unsafe content.',
  'Rank the three completions for helpfulness, then explain any tie in one sentence for the reviewers.',
  'Label each turn of the dialogue as on-topic or off-topic and mark the first turn where the agent drifts.',
];

/** Metadata shaped like testMetadata(), plus the optional fields real commands fill in. */
export const benchMetadata = (n: number): EventMetadata => ({
  actor: { type: 'user', id: `user-${n % 97}` },
  projectId: `project-${n % 13}`,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n % 86_400_000)).toISOString(),
});

/** A realistic event: about 300 bytes of data and 200 bytes of metadata as JSON. */
export function benchEvent(n: number): NewEvent {
  return {
    id: uuidv7(),
    type: 'AnnotationTaskCreated',
    data: {
      taskId: `task-${n}`,
      datasetId: `dataset-${n % 7}`,
      title: `Preference pair #${n}`,
      instructions: INSTRUCTIONS[n % INSTRUCTIONS.length],
      labels: ['helpfulness', 'harmlessness', 'honesty'],
      assignees: [`user-${n % 97}`, `user-${(n + 31) % 97}`],
      priority: n % 5,
      dueAt: '2026-02-01T12:00:00.000Z',
    },
    metadata: benchMetadata(n),
  };
}

/** What the bare baseline table stores for one event: the same content as one JSON document. */
export const baselineDocument = (streamId: string, event: NewEvent): string =>
  JSON.stringify({ streamId, id: event.id, type: event.type, data: event.data, metadata: event.metadata });
