import { USER_STREAM_TYPE, userStreamId, type CommandAccepted } from '@camel/contracts';
import { userDecider, type UserCommand } from '@camel/identity';
import type { Clock } from '@camel/kernel';
import { CLOCK, CommandExecutor, type CommandTarget } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { CredentialStore } from './credentials';
import { hashPassword } from './passwords';

export const accepted = (id: string, outcome: { version: number; position: number }): CommandAccepted => ({
  id,
  version: outcome.version,
  position: outcome.position,
});

/** Decides user commands on the user's stream; what the user and password handlers share. */
@Injectable()
export class UserStream {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly executor: CommandExecutor,
  ) {}

  execute(userId: string, command: UserCommand, inTransaction?: CommandTarget<UserCommand>['inTransaction']) {
    return this.executor.execute(userDecider, { streamId: userStreamId(userId), streamType: USER_STREAM_TYPE, command, inTransaction });
  }

  /**
   * Sets the password: the hash goes to the credential table and every one-time token is spent, with
   * the event. Sessions started before it end, except `keepSessionId` (the one changing its own password).
   */
  async setPassword(userId: string, password: string, reason: 'invite-accepted' | 'reset' | 'changed', keepSessionId?: string) {
    const hash = await hashPassword(password);
    return this.execute(userId, { type: 'SetPassword', userId, password, reason, sessionId: keepSessionId }, async (tx) => {
      await CredentialStore.setPassword(tx, userId, hash, this.clock.now().toISOString());
      await CredentialStore.consumeOneTimeTokens(tx, userId);
    });
  }
}
