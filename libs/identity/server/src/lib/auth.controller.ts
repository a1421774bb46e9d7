import { REFRESH_COOKIE, type Me, type TokenResponse } from '@camel/contracts';
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authenticated, bearerToken, CurrentPrincipal, type Principal, Public } from '@camel/server';
import { AcceptInviteDto, ChangePasswordDto, LoginDto, RefreshDto } from './identity.dto';
import { IdentityService } from './identity.service';
import { LOGIN_THROTTLE_ACCOUNT, LoginThrottlerGuard } from './login-throttler.guard';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}
interface HttpResponse {
  setHeader(name: string, value: string | string[]): void;
}

export function readCookie(request: HttpRequest, name: string): string | undefined {
  const header = request.headers['cookie'];
  const text = Array.isArray(header) ? header.join('; ') : header;
  for (const part of text?.split(';') ?? []) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** The refresh token also travels as an HttpOnly cookie scoped to /api/auth, so page scripts never hold it. */
function setRefreshCookie(request: HttpRequest, response: HttpResponse, tokens: TokenResponse | null): void {
  const secure = request.secure ? '; Secure' : '';
  const base = `${REFRESH_COOKIE}=${tokens ? encodeURIComponent(tokens.refreshToken) : ''}; Path=/api/auth; HttpOnly; SameSite=Strict${secure}`;
  response.setHeader(
    'Set-Cookie',
    tokens ? `${base}; Expires=${new Date(tokens.refreshExpiresAt).toUTCString()}` : `${base}; Max-Age=0`,
  );
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Post('login')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password', description: 'Throttled per account and per client address.' })
  @ApiOkResponse({ description: 'Access token, refresh token (also set as an HttpOnly cookie) and who you are' })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password, or a disabled account' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts' })
  async login(@Body() body: LoginDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<TokenResponse> {
    const tokens = await this.identity.login(body.email, body.password);
    setRefreshCookie(request, response, tokens);
    return tokens;
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token and get a new access token', description: 'A spent refresh token revokes the session.' })
  @ApiOkResponse({ description: 'New tokens' })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused refresh token' })
  async refresh(@Body() body: RefreshDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<TokenResponse> {
    try {
      const tokens = await this.identity.refresh(body.refreshToken ?? readCookie(request, REFRESH_COOKIE));
      setRefreshCookie(request, response, tokens);
      return tokens;
    } catch (error) {
      setRefreshCookie(request, response, null);
      throw error;
    }
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: revokes the session (access token, refresh token or cookie)' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<void> {
    const principal = await this.identity.authenticate(bearerToken(request.headers['authorization'])).catch(() => undefined);
    await this.identity.logout(principal, body.refreshToken ?? readCookie(request, REFRESH_COOKIE));
    setRefreshCookie(request, response, null);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who am I: actor, global role, memberships and permissions' })
  @ApiOkResponse({ description: 'The caller' })
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.identity.me(principal);
  }

  @Post('password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password' })
  @ApiNoContentResponse()
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    return this.identity.changePassword(principal, body.currentPassword, body.newPassword);
  }

  @Post('accept-invite')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ [LOGIN_THROTTLE_ACCOUNT]: true })
  @ApiOperation({ summary: 'Set a password with a one-time invite or reset token, and sign in' })
  @ApiCreatedResponse({ description: 'Tokens, as for sign-in' })
  async acceptInvite(@Body() body: AcceptInviteDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<TokenResponse> {
    const tokens = await this.identity.acceptInvite(body.token, body.password);
    setRefreshCookie(request, response, tokens);
    return tokens;
  }
}
