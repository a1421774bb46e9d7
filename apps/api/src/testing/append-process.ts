// A second process that appends events, for cross-process delivery tests: it shares nothing with
// the api but the database. Run with tools/bench/ts-loader.cjs; settings come from the environment.
import { uuidv7 } from '@camel/kernel';
import { openEventStore } from '@camel/event-store';

async function main(): Promise<void> {
  const store = await openEventStore({ databaseUrl: process.env['DATABASE_URL'] as string });
  const count = Number(process.env['APPEND_COUNT'] ?? 10);
  const projectId = process.env['APPEND_PROJECT_ID'] as string;
  for (let n = 1; n <= count; n += 1) {
    await store.append(
      `probe-${projectId}`,
      [
        {
          id: uuidv7(),
          type: 'ProbeAppended',
          data: { n },
          metadata: { actor: { type: 'system', id: 'append-process' }, projectId, correlationId: uuidv7(), time: new Date().toISOString() },
        },
      ],
      { expectedVersion: 'any' },
    );
  }
  await store.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
