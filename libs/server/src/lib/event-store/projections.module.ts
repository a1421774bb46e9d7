import { ProjectionRunner, type EventStore, type Projection } from '@camel/event-store';
import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, PROJECTION_RUNNER, PROJECTIONS } from '../tokens';

export interface ProjectionsModuleOptions {
  readonly projections: readonly Projection[];
  /** Follow the log in this process (the api does; a CLI only rebuilds). */
  readonly run: boolean;
}

const RUN = Symbol('RUN_PROJECTIONS');

@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        { provide: RUN, useValue: options.run },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, PROJECTIONS],
          useFactory: (store: EventStore, projections: readonly Projection[]) => {
            const logger = new Logger('Projections');
            return new ProjectionRunner(store, projections, {
              log: (message, error) => logger.error(message, error instanceof Error ? error.stack : undefined),
            });
          },
        },
      ],
      exports: [PROJECTION_RUNNER, PROJECTIONS],
    };
  }

  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(RUN) private readonly run: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.run) await this.runner.start();
    else await this.runner.prepare();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
