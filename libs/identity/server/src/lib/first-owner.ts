import { DomainError, type UserCreatedResponse } from '@camel/contracts';
import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { APP_CONFIG, type AppConfig, EVENT_STORE, PROJECTION_RUNNER } from '@camel/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomToken } from './credentials';
import { IdentityReadModel } from './identity.read-model';
import { CreateUser } from './users.commands';

/** A first owner created with a generated password: the one password ever printed, once. */
export interface GeneratedOwner {
  readonly email: string;
  readonly password: string;
}

/** The first-start bootstrap: with no user in the log, an owner is created so someone can sign in. */
@Injectable()
export class FirstOwner {
  private readonly logger = new Logger('Identity');
  private generatedOwner: GeneratedOwner | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    private readonly identity: IdentityReadModel,
    private readonly commands: CommandBus,
  ) {}

  /**
   * Creates the owner from ADMIN_EMAIL/ADMIN_PASSWORD, or with a random password the start prints
   * once, last (`takeGenerated`). Replicas racing here create one user: the id is the email's, and
   * the stream can be created only once.
   */
  async ensure(): Promise<void> {
    await this.projections.waitFor(await this.store.headPosition(), { names: ['identity'], timeoutMs: 120_000 });
    if ((await this.identity.countUsers()) > 0) return;
    const email = this.config.auth.adminEmail ?? 'admin@localhost.localdomain';
    const generated = this.config.auth.adminPassword === undefined;
    const password = this.config.auth.adminPassword ?? randomToken(18);
    try {
      await this.commands.execute<CreateUser, UserCreatedResponse>(new CreateUser({ email, name: 'Owner', globalRole: 'owner', password }, generated));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'user.exists') return;
      if (error instanceof Error && error.name === 'ConcurrencyError') return;
      throw error;
    }
    if (generated) this.generatedOwner = { email, password };
    else this.logger.log(`first owner ${email} created from ADMIN_EMAIL`);
  }

  /** The generated first owner, handed out once (the start prints it after everything else). */
  takeGenerated(): GeneratedOwner | undefined {
    const owner = this.generatedOwner;
    this.generatedOwner = undefined;
    return owner;
  }
}
