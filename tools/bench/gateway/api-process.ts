/**
 * The api under test, in its own process (forked by gateway.bench.ts through child.cjs): the real
 * app from createApiApp(), configured by the environment the parent set (DATABASE_URL or DATA_DIR,
 * LOG_LEVEL, ADMIN_EMAIL/ADMIN_PASSWORD), on a free loopback port. It signs in as that first owner
 * and hands the access token to the parent: the live-events handshake refuses clients without one,
 * and an owner sees every event (the benchmark's project does not exist).
 *
 * Instrumentation, without touching the gateway: one extra fanout listener, registered before any
 * client, records when each batch reached the fanout and (via setImmediate, i.e. once the
 * synchronous loop over every client subscription has returned) how long the fanout took.
 * For SQLite the writer must share the api's store, so it runs here on request.
 */
import 'reflect-metadata';
import type { RecordedEvent } from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import type { EventFanout } from '../../../apps/api/src/live/event-fanout';
import { LiveEventsGateway } from '../../../apps/api/src/live/live-events.gateway';
import { nowMs } from './clock';
import { VARIANTS, type ApiReply, type ApiRequest, type FanoutTrace, type Variant } from './protocol';
import { applyVariant } from './variants';
import { runWriter } from './writer';

const send = (message: ApiReply): void => {
  process.send?.(message);
};

async function signIn(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: process.env['ADMIN_EMAIL'], password: process.env['ADMIN_PASSWORD'] }),
  });
  if (response.status !== 200) throw new Error(`sign-in as the first owner failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function main(): Promise<void> {
  const variant = (process.env['BENCH_GATEWAY_VARIANT'] ?? 'shipped') as Variant;
  if (!VARIANTS.includes(variant)) throw new Error(`unknown gateway variant ${variant}`);
  applyVariant(variant);
  const app = await createApiApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const store = app.get<EventStore>(EVENT_STORE);
  const token = await signIn(port);

  const trace: FanoutTrace = { positions: [], times: [], batchTimes: [], batchSizes: [], batchDurations: [] };
  const fanout = (app.get(LiveEventsGateway) as unknown as { fanout: EventFanout }).fanout;
  fanout.add({
    onLive(events: readonly RecordedEvent[]) {
      const started = nowMs();
      for (const event of events) {
        trace.positions.push(event.position);
        trace.times.push(started);
      }
      setImmediate(() => {
        trace.batchTimes.push(started);
        trace.batchSizes.push(events.length);
        trace.batchDurations.push(nowMs() - started);
      });
    },
  });

  process.on('message', (message: ApiRequest) => {
    switch (message.type) {
      case 'write':
        runWriter(store, message.config).then(
          (result) => send({ type: 'written', result }),
          (error: unknown) => send({ type: 'error', message: String(error) }),
        );
        break;
      case 'trace':
        send({ type: 'trace', trace });
        break;
      case 'stop':
        // Exit normally so that --cpu-prof can write its profile.
        app.close().finally(() => process.exit(0));
        break;
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port, token });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
