import { HttpException, HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

export const LOGIN_THROTTLE_IP = 'login-ip';
export const LOGIN_THROTTLE_ACCOUNT = 'login-account';
/** Prefix of the per-account tracker (the normalised email). */
export const ACCOUNT_TRACKER = 'account:';

/** Sign-in throttling (per account and per client address) with the API's error shape. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const scope = detail.tracker.startsWith(ACCOUNT_TRACKER) ? 'for this account' : 'from this address';
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        code: 'auth.throttled',
        message: `too many sign-in attempts ${scope}; try again in ${Math.max(1, Math.ceil(detail.timeToBlockExpire))} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
