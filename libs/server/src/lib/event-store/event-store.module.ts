import { systemClock, uuidv7, type Clock } from '@camel/kernel';
import { openEventStore, type EventStore } from '@camel/event-store';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, EVENT_STORE, ID_GENERATOR, type IdGenerator } from '../tokens';

/** Opens the configured engine (PostgreSQL when DATABASE_URL is set, else the SQLite file). */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Promise<EventStore> =>
        openEventStore({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, applicationName: 'camel-api' }),
    },
    { provide: CLOCK, useValue: systemClock satisfies Clock },
    { provide: ID_GENERATOR, useValue: (() => uuidv7()) satisfies IdGenerator },
  ],
  exports: [EVENT_STORE, CLOCK, ID_GENERATOR],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
