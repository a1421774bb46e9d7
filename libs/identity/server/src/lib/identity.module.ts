import { ProjectsModule } from '@camel/projects/server';
import { APP_CONFIG, type AppConfig, CommandExecutor } from '@camel/server';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { API_KEY_COMMAND_HANDLERS } from './api-keys.commands';
import { ApiKeysController } from './api-keys.controller';
import { AuditController } from './audit.controller';
import { auditProjection } from './audit.projection';
import { AUDIT_QUERY_HANDLERS } from './audit.queries';
import { AuditReadModel } from './audit.read-model';
import { AuthController } from './auth.controller';
import { Authenticator } from './authenticator';
import { CredentialStore } from './credentials';
import { FirstOwner } from './first-owner';
import { identityProjection } from './identity.projection';
import { IDENTITY_QUERY_HANDLERS } from './identity.queries';
import { IdentityReadModel } from './identity.read-model';
import { accountTracker, addressTracker, LOGIN_THROTTLE_ACCOUNT, LOGIN_THROTTLE_IP, LoginThrottlerGuard } from './login-throttler.guard';
import { MEMBER_COMMAND_HANDLERS } from './members.commands';
import { MembersController } from './members.controller';
import { PASSWORD_COMMAND_HANDLERS } from './passwords.commands';
import { SessionTokens } from './session-tokens';
import { SESSION_COMMAND_HANDLERS } from './sessions.commands';
import { TokenService } from './token.service';
import { UserStream } from './user-stream';
import { USER_COMMAND_HANDLERS } from './users.commands';
import { UsersController } from './users.controller';

/**
 * Users, sign-in, sessions, membership, API keys and the audit trail; registers the global access
 * guard (deny by default) for every controller of the app. Exports the Authenticator (the live
 * gateway resolves its handshakes with it) and FirstOwner (run once the app has started).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([...identityProjection.entities, ...auditProjection.entities]),
    ProjectsModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            name: LOGIN_THROTTLE_IP,
            ttl: 60_000,
            limit: config.auth.loginRateLimitIp,
            getTracker: addressTracker,
          },
          {
            name: LOGIN_THROTTLE_ACCOUNT,
            ttl: 60_000,
            limit: config.auth.loginRateLimit,
            getTracker: accountTracker,
          },
        ],
      }),
    }),
  ],
  controllers: [AuthController, UsersController, MembersController, ApiKeysController, AuditController],
  providers: [
    CommandExecutor,
    CredentialStore.provider,
    TokenService.provider,
    IdentityReadModel,
    AuditReadModel,
    Authenticator,
    SessionTokens,
    UserStream,
    FirstOwner,
    ...SESSION_COMMAND_HANDLERS,
    ...USER_COMMAND_HANDLERS,
    ...PASSWORD_COMMAND_HANDLERS,
    ...MEMBER_COMMAND_HANDLERS,
    ...API_KEY_COMMAND_HANDLERS,
    ...IDENTITY_QUERY_HANDLERS,
    ...AUDIT_QUERY_HANDLERS,
    LoginThrottlerGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [Authenticator, FirstOwner, IdentityReadModel],
})
export class IdentityModule {}
