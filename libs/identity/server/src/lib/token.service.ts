import { DomainError, type AccessTokenClaims } from '@camel/contracts';
import { APP_CONFIG, type AppConfig, jwtKeySpec, resolveKey } from '@camel/server';
import type { FactoryProvider } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { sameDigest } from './credentials';

const ALGORITHM = 'HS256';

export const TOKEN_EXPIRED = 'auth.token-expired';
export const TOKEN_INVALID = 'auth.token-invalid';

/**
 * Access tokens: JWT HS256 signed with JWT_SECRET (or its key file), verified with the
 * algorithm pinned (no `none`, no RS/HS confusion). Refresh tokens: `<sessionId>.<generation>.<mac>`
 * with an HMAC under a key derived from the same secret, so spent tokens are recognised as authentic
 * (and their reuse detected) without storing them.
 */
export class TokenService {
  private readonly jwt = new JwtService();
  private readonly refreshKey: Buffer;

  /**
   * One per process, made once at start from JWT_SECRET or JWT_SECRET_FILE; on the embedded default
   * (no DATABASE_URL) from a key file generated under DATA_DIR. Never from the database: a backup of
   * it must not be enough to mint an owner token.
   */
  static readonly provider: FactoryProvider<TokenService> = {
    provide: TokenService,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => {
      const { secret } = resolveKey(jwtKeySpec(config));
      return new TokenService(secret, config.auth.accessTokenTtlSeconds, config.auth.refreshTokenTtlSeconds);
    },
  };

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
    readonly refreshTtlSeconds: number,
  ) {
    this.refreshKey = Buffer.from(hkdfSync('sha256', secret, '', 'camel-extensions refresh token v1', 32));
    this.signingKey = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * The JWT secret as a KeyObject, made once. Given a string, jsonwebtoken first tries to parse it as
   * a PEM key on every sign and verify (createPrivateKey / createPublicKey, which throw for a secret)
   * before taking it as a secret: that was the costliest step of authenticating a request. The
   * Nest wrapper's option type says string | Buffer; it hands the value to jsonwebtoken as is.
   */
  private readonly signingKey: KeyObject;
  private get jwtSecret(): Buffer {
    return this.signingKey as unknown as Buffer;
  }

  signAccess(userId: string, sessionId: string, now: Date): string {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = { sub: userId, sid: sessionId, iat, exp: iat + this.accessTtlSeconds, typ: 'access' };
    return this.jwt.sign(claims, { secret: this.jwtSecret, algorithm: ALGORITHM });
  }

  /** The claims of a valid access token, or a 401 saying why not. */
  verifyAccess(token: string, now: Date): AccessTokenClaims {
    let claims: Partial<AccessTokenClaims>;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, {
        secret: this.jwtSecret,
        algorithms: [ALGORITHM],
        clockTimestamp: Math.floor(now.getTime() / 1000),
      });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') throw DomainError.unauthorized(TOKEN_EXPIRED, 'the access token has expired; refresh it');
      throw DomainError.unauthorized(TOKEN_INVALID, 'the access token is not valid');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') {
      throw DomainError.unauthorized(TOKEN_INVALID, 'the access token is not valid');
    }
    return claims as AccessTokenClaims;
  }

  refreshToken(sessionId: string, generation: number): string {
    return `${sessionId}.${generation}.${this.mac(sessionId, generation)}`;
  }

  /** Session and generation of an authentic refresh token; anything else is a 401. */
  parseRefresh(token: unknown): { sessionId: string; generation: number } {
    const invalid = DomainError.unauthorized('auth.session-invalid', 'the refresh token is not valid; sign in again');
    if (typeof token !== 'string' || token.length > 200) throw invalid;
    const match = /^([0-9a-f-]{36})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) throw invalid;
    const [, sessionId, gen, mac] = match;
    const generation = Number(gen);
    if (!sameDigest(Buffer.from(mac, 'base64url').toString('hex'), Buffer.from(this.mac(sessionId, generation), 'base64url').toString('hex'))) {
      throw invalid;
    }
    return { sessionId, generation };
  }

  private mac(sessionId: string, generation: number): string {
    return createHmac('sha256', this.refreshKey).update(`${sessionId}.${generation}`).digest('base64url');
  }
}
