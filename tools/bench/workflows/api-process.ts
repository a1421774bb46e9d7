/**
 * The product under load, in its own process (forked by workflows.bench.ts through the gateway
 * benchmark's child.cjs): the real api from createApiApp(), configured by the environment the parent
 * set (DATABASE_URL or DATA_DIR, LLM_MAX_CONCURRENCY, …), on a free loopback port. The parent starts
 * runs over HTTP; this process drives them on its in-process run queue, measures its own event loop
 * and CPU while they run, and reads the outcome back from the log.
 */
import 'reflect-metadata';
import { runStreamId, type RecordedEvent, type TurnRecorded } from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { RunsReadModel } from '@camel/workflows/server';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import type { ApiReply, ApiRequest, RunSample } from './protocol';
import { WindowMeter } from './window-meter';

const send = (message: ApiReply): void => {
  process.send?.(message);
};

const timeOf = (event: RecordedEvent) => Date.parse(event.metadata.time);

async function sample(app: INestApplication, projectId: string, runId: string): Promise<RunSample> {
  const events = await app.get<EventStore>(EVENT_STORE).readStream(runStreamId(runId));
  const view = await app.get(RunsReadModel).get(projectId, runId);
  const turns = events.filter((event): event is RecordedEvent<'TurnRecorded', TurnRecorded['data']> => event.type === 'TurnRecorded');
  const startedAt = timeOf(events[0]);
  const endedAt = timeOf(events[events.length - 1]);
  return {
    status: view?.status ?? 'unknown',
    turns: turns.length,
    durationMs: endedAt - startedAt,
    startedAt,
    endedAt,
    callLatenciesMs: turns.flatMap((turn) => (turn.data.call ? [turn.data.call.latencyMs] : [])),
  };
}

async function main(): Promise<void> {
  const app = await createApiApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const meter = new WindowMeter();
  const runs = app.get(RunsReadModel);

  const handle = async (message: ApiRequest): Promise<void> => {
    switch (message.type) {
      case 'measure':
        meter.start();
        return send({ type: 'measuring' });
      case 'progress':
        return send({ type: 'progress', unfinished: (await runs.unfinished()).length });
      case 'finish': {
        const measured = meter.stop();
        const samples: RunSample[] = [];
        for (const runId of message.runIds) samples.push(await sample(app, message.projectId, runId));
        return send({ type: 'finished', result: { runs: samples, ...measured } });
      }
      case 'stop':
        await app.close();
        process.exit(0);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unknown request ${JSON.stringify(unknown)}`);
      }
    }
  };
  process.on('message', (message: ApiRequest) => {
    handle(message).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
