import type { Me, TokenResponse } from '@camel/contracts';
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
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
import { GetMe } from './identity.queries';
import { LOGIN_THROTTLE_ACCOUNT, LoginThrottlerGuard } from './login-throttler.guard';
import { AcceptInvite, ChangePassword } from './passwords.commands';
import { refreshTokenOf, setRefreshCookie, type HttpRequest, type HttpResponse } from './refresh-cookie';
import { RefreshTokens, SignIn, SignOut } from './sessions.commands';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password', description: 'Throttled per (account, client address) and per client address.' })
  @ApiOkResponse({ description: 'Access token, refresh token (also set as an HttpOnly cookie) and who you are' })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password, or a disabled account' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts (Retry-After says when to try again)' })
  async login(@Body() body: LoginDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<TokenResponse> {
    const tokens = await this.commands.execute(new SignIn(body.email, body.password));
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
      const tokens = await this.commands.execute(new RefreshTokens(refreshTokenOf(request, body)));
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
    await this.commands.execute(new SignOut(bearerToken(request.headers['authorization']), refreshTokenOf(request, body)));
    setRefreshCookie(request, response, null);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who am I: actor, global role, memberships and permissions' })
  @ApiOkResponse({ description: 'The caller' })
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.queries.execute(new GetMe(principal));
  }

  @Post('password')
  @Authenticated()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change your own password',
    description: 'Ends every other session of the user (this one stays signed in). Throttled per account and address and per address.',
  })
  @ApiNoContentResponse()
  @ApiTooManyRequestsResponse({ description: 'Too many attempts (Retry-After says when to try again)' })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    return this.commands.execute(new ChangePassword(principal, body.currentPassword, body.newPassword));
  }

  @Post('accept-invite')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ [LOGIN_THROTTLE_ACCOUNT]: true })
  @ApiOperation({ summary: 'Set a password with a one-time invite or reset token, and sign in' })
  @ApiCreatedResponse({ description: 'Tokens, as for sign-in' })
  async acceptInvite(@Body() body: AcceptInviteDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): Promise<TokenResponse> {
    const tokens = await this.commands.execute(new AcceptInvite(body.token, body.password));
    setRefreshCookie(request, response, tokens);
    return tokens;
  }
}
