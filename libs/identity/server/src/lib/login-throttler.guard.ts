import { HttpException, HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

export const LOGIN_THROTTLE_IP = 'login-ip';
export const LOGIN_THROTTLE_ACCOUNT = 'login-account';
/** Prefix of the per-(account, address) tracker. */
export const ACCOUNT_TRACKER = 'account:';

interface ThrottledRequest {
  ip?: string;
  body?: { email?: unknown };
  /** Set by the access guard on authenticated routes (the password change). */
  principal?: { userId?: string; actor: { type: string; id: string } };
}

/** The client address the throttles count (the real one behind a trusted proxy, see TRUST_PROXY). */
export const addressTracker = (req: Record<string, unknown>): string => String((req as ThrottledRequest).ip ?? 'unknown');

/**
 * The account an attempt is about — the signed-in caller on the password change, else the normalised
 * email of the body — together with the client address: wrong guesses from one address never lock the
 * account for everyone else (the per-address throttle bounds one address across accounts).
 */
export function accountTracker(req: Record<string, unknown>): string {
  const request = req as ThrottledRequest;
  const email = request.body?.email;
  const account = request.principal
    ? `${request.principal.actor.type}:${request.principal.actor.id}`
    : `email:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
  return `${ACCOUNT_TRACKER}${account}|${addressTracker(req)}`;
}

/**
 * Throttling of password guesses (sign-in, invite acceptance, password change) per (account, address)
 * and per address, with the API's error shape and a `Retry-After` (seconds) on the 429.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const scope = detail.tracker.startsWith(ACCOUNT_TRACKER) ? 'for this account from this address' : 'from this address';
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<{ header(name: string, value: string): void }>().header('Retry-After', String(seconds));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        code: 'auth.throttled',
        message: `too many attempts ${scope}; try again in ${seconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
