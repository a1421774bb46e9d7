import { systemClock, uuidv7, type Clock } from '@camel/kernel';
import { openEventStore, type EventStore } from '@camel/event-store';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigError, type AppConfig } from '../config/app-config';
import { logKeySpec, resolveKey } from '../config/key-material';
import { APP_CONFIG, CLOCK, EVENT_STORE, ID_GENERATOR, type IdGenerator } from '../tokens';

/**
 * LOG_SIGNING_KEY (or its file; generated under DATA_DIR on the embedded default) keys every appended
 * event's hash. Without it (PostgreSQL with no key configured) events are appended unkeyed.
 */
function eventKeyOf(config: AppConfig): string | undefined {
  try {
    return resolveKey(logKeySpec(config)).secret;
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** Opens the configured engine (PostgreSQL when DATABASE_URL is set, else the SQLite file). */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Promise<EventStore> =>
        openEventStore({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, applicationName: 'camel-api',
          eventKey: eventKeyOf(config),
          previousEventKeys: config.logSigningKeysPrevious,
        }),
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
