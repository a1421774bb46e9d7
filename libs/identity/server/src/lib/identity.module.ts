import { APP_CONFIG, type AppConfig, CommandExecutor } from '@camel/server';
import { AccessGuard } from './access.guard';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ProjectsModule } from '@camel/projects/server';
import { AuditController } from './audit.controller';
import { AUDIT_QUERY_HANDLERS } from './audit.queries';
import { AuthController } from './auth.controller';
import { IdentityQueries } from './identity.queries';
import { IdentityService } from './identity.service';
import { ACCOUNT_TRACKER, LOGIN_THROTTLE_ACCOUNT, LOGIN_THROTTLE_IP, LoginThrottlerGuard } from './login-throttler.guard';
import { ApiKeysController, MembersController } from './members.controller';
import { UsersController } from './users.controller';

interface ThrottledRequest {
  ip?: string;
  body?: { email?: unknown };
}

/**
 * Users, sign-in, sessions, membership, API keys and the audit trail; registers the global access
 * guard (deny by default) for every controller of the app.
 */
@Global()
@Module({
  imports: [
    ProjectsModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            name: LOGIN_THROTTLE_IP,
            ttl: 60_000,
            limit: config.auth.loginRateLimitIp,
            getTracker: (req: Record<string, unknown>) => String((req as ThrottledRequest).ip ?? 'unknown'),
          },
          {
            name: LOGIN_THROTTLE_ACCOUNT,
            ttl: 60_000,
            limit: config.auth.loginRateLimit,
            getTracker: (req: Record<string, unknown>) => {
              const email = (req as ThrottledRequest).body?.email;
              return `${ACCOUNT_TRACKER}${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
            },
          },
        ],
      }),
    }),
  ],
  controllers: [AuthController, UsersController, MembersController, ApiKeysController, AuditController],
  providers: [CommandExecutor, IdentityService, IdentityQueries, ...AUDIT_QUERY_HANDLERS, LoginThrottlerGuard, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [IdentityService],
})
export class IdentityModule {}
