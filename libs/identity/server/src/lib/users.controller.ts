import { permissions, type CommandAccepted, type PasswordResetResponse, type UserCreatedResponse, type UserView } from '@camel/contracts';
import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandAcceptedDto, CurrentPrincipal, type Principal, RequiresInstallation, uuidParam } from '@camel/server';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CreateUserDto, UpdateUserDto, UserViewDto } from './identity.dto';
import { GetUser, ListUsers } from './identity.queries';
import { IssuePasswordReset } from './passwords.commands';
import { CreateUser, DisableUser, EnableUser, UpdateUser } from './users.commands';

const userId = uuidParam('id');

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: [UserViewDto] })
  list(): Promise<UserView[]> {
    return this.queries.execute(new ListUsers());
  }

  @Post()
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Create a user with a password, or invite one (omit password: a one-time token is returned once)' })
  @ApiCreatedResponse({ description: 'id, and for invitations the one-time inviteToken' })
  @ApiConflictResponse({ description: 'A user with this email exists' })
  create(@Body() body: CreateUserDto): Promise<UserCreatedResponse> {
    return this.commands.execute(new CreateUser(body));
  }

  @Get(':id')
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Get one user' })
  @ApiOkResponse({ type: UserViewDto })
  @ApiNotFoundResponse()
  get(@Param('id', userId) id: string): Promise<UserView> {
    return this.queries.execute(new GetUser(id));
  }

  @Patch(':id')
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Rename a user or change the global (owner) role' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  update(@Param('id', userId) id: string, @Body() body: UpdateUserDto, @CurrentPrincipal() actor: Principal): Promise<CommandAccepted> {
    return this.commands.execute(new UpdateUser(id, body, actor));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Disable a user: sign-in, tokens and live connections stop working' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  disable(@Param('id', userId) id: string, @CurrentPrincipal() actor: Principal): Promise<CommandAccepted> {
    return this.commands.execute(new DisableUser(id, actor));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Enable a disabled user' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  enable(@Param('id', userId) id: string): Promise<CommandAccepted> {
    return this.commands.execute(new EnableUser(id));
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @RequiresInstallation(permissions.manageUsers)
  @ApiOperation({ summary: 'Issue a one-time password reset token (shown once); ends the user’s sessions' })
  @ApiOkResponse({ description: 'resetToken and its expiry' })
  resetPassword(@Param('id', userId) id: string): Promise<PasswordResetResponse> {
    return this.commands.execute(new IssuePasswordReset(id));
  }
}
