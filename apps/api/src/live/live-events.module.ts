import { Module } from '@nestjs/common';
import { LiveEventsGateway } from './live-events.gateway';
import { RunDeltasGateway } from './run-deltas.gateway';

/** The socket.io gateway: live events (catch-up, then live) and run token deltas. */
@Module({ providers: [LiveEventsGateway, RunDeltasGateway] })
export class LiveEventsModule {}
