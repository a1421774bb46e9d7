import { ProjectionRunner, type EventStore, type Projection } from '@camel/event-store';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { bindReadModelProjection, readModelEntities, type ReadModelProjection } from '../read-models/read-model-projection';
import { createReadModelDataSource } from '../read-models/read-model-data-source';
import { EVENT_STORE, PROJECTION_RUNNER, PROJECTIONS } from '../tokens';

export type AnyProjection = Projection | ReadModelProjection;

const isReadModel = (projection: AnyProjection): projection is ReadModelProjection => 'entities' in projection;

/** What the TypeORM module passes to the data source factory: the store rides along. */
type ReadModelOptions = TypeOrmModuleOptions & { readonly store: EventStore };

export interface ProjectionsModuleOptions {
  readonly projections: readonly AnyProjection[];
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
      imports: [
        // The read models' DataSource: on the event store's database (see createReadModelDataSource);
        // contexts add their entities with TypeOrmModule.forFeature and inject repositories.
        TypeOrmModule.forRootAsync({
          inject: [EVENT_STORE],
          useFactory: (store: EventStore): ReadModelOptions => ({
            store,
            entities: readModelEntities(options.projections.filter(isReadModel)),
            autoLoadEntities: true,
            retryAttempts: 0,
          }),
          dataSourceFactory: async (typeOrmOptions) => {
            const { store, entities } = typeOrmOptions as unknown as ReadModelOptions;
            return createReadModelDataSource(store, entities ?? []);
          },
        }),
      ],
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        { provide: RUN, useValue: options.run },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, PROJECTIONS, DataSource],
          useFactory: (store: EventStore, projections: readonly AnyProjection[], dataSource: DataSource) => {
            const logger = new Logger('Projections');
            const bound = projections.map((p) => (isReadModel(p) ? bindReadModelProjection(p, dataSource) : p));
            return new ProjectionRunner(store, bound, {
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
