import { DomainError, PROJECT_STREAM_TYPE, projectStreamId, type AddMemberRequest, type CommandAccepted, type ProjectRole } from '@camel/contracts';
import { userIdForEmail } from '@camel/identity';
import { projectDecider, type ProjectCommand } from '@camel/projects';
import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { APP_CONFIG, CommandExecutor, EVENT_STORE, PROJECTION_RUNNER, type AppConfig } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IdentityReadModel } from './identity.read-model';
import { accepted } from './user-stream';

/** The user is named by id or by email (one of them). */
export class AddMember extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly request: AddMemberRequest,
  ) {
    super();
  }
}

export class ChangeMemberRole extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly userId: string,
    readonly role: ProjectRole,
  ) {
    super();
  }
}

export class RemoveMember extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly userId: string,
  ) {
    super();
  }
}

/**
 * Membership events live in the project's own stream, so the project decider sees the project
 * (archived? the member's current role?) as its state; the user's standing is loaded here.
 */
@Injectable()
export class ProjectStream {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: ProjectCommand): Promise<CommandAccepted> {
    const outcome = await this.executor.execute(projectDecider, {
      streamId: projectStreamId(command.projectId),
      streamType: PROJECT_STREAM_TYPE,
      projectId: command.projectId,
      command,
    });
    return accepted(command.projectId, outcome);
  }
}

@CommandHandler(AddMember)
export class AddMemberHandler implements ICommandHandler<AddMember> {
  constructor(
    private readonly project: ProjectStream,
    private readonly identity: IdentityReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ projectId, request }: AddMember): Promise<CommandAccepted> {
    let field: 'userId' | 'email';
    let userId: string;
    if (request.userId !== undefined) [field, userId] = ['userId', request.userId];
    else if (request.email !== undefined) [field, userId] = ['email', userIdForEmail(request.email)];
    else throw DomainError.validation('member.user.required', 'userId', 'userId or email is required');
    let user = await this.identity.account(userId);
    if (!user) {
      // A user created a moment ago may not be in the read model yet (its command answers once the
      // projection catches up, bounded in time): wait for the log's head, then look again.
      await this.projections.waitFor(await this.store.headPosition(), { names: ['identity'], timeoutMs: this.config.projectionWaitMs });
      user = await this.identity.account(userId);
    }
    if (!user) throw DomainError.validation('user.not-found', field, `no user with this ${field}; invite them first`);
    return this.project.execute({ type: 'AddMember', projectId, userId: user.id, role: request.role, userStatus: user.status });
  }
}

@CommandHandler(ChangeMemberRole)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRole> {
  constructor(private readonly project: ProjectStream) {}

  execute({ projectId, userId, role }: ChangeMemberRole): Promise<CommandAccepted> {
    return this.project.execute({ type: 'ChangeMemberRole', projectId, userId, role });
  }
}

@CommandHandler(RemoveMember)
export class RemoveMemberHandler implements ICommandHandler<RemoveMember> {
  constructor(private readonly project: ProjectStream) {}

  execute({ projectId, userId }: RemoveMember): Promise<CommandAccepted> {
    return this.project.execute({ type: 'RemoveMember', projectId, userId });
  }
}

export const MEMBER_COMMAND_HANDLERS = [ProjectStream, AddMemberHandler, ChangeMemberRoleHandler, RemoveMemberHandler];
