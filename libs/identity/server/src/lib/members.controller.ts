import { permissions, type ApiKeyCreatedResponse, type ApiKeyView, type CommandAccepted, type MemberView } from '@camel/contracts';
import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandAcceptedDto, RequiresProject, uuidParam } from '@camel/server';
import { AddMemberDto, ApiKeyViewDto, ChangeMemberRoleDto, CreateApiKeyDto, MemberViewDto } from './identity.dto';
import { IdentityQueries } from './identity.queries';
import { IdentityService } from './identity.service';

@ApiTags('members')
@ApiNotFoundResponse({ description: 'No such project, or not one of yours' })
@Controller('projects/:id/members')
export class MembersController {
  constructor(
    private readonly identity: IdentityService,
    private readonly queries: IdentityQueries,
  ) {}

  @Get()
  @RequiresProject(permissions.readProject)
  @ApiOperation({ summary: 'List the members of a project' })
  @ApiOkResponse({ type: [MemberViewDto] })
  list(@Param('id', uuidParam('id')) projectId: string): Promise<MemberView[]> {
    return this.queries.members(projectId);
  }

  @Post()
  @RequiresProject(permissions.manageMembers)
  @ApiOperation({ summary: 'Add a user (by id or email) with a role' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  add(@Param('id', uuidParam('id')) projectId: string, @Body() body: AddMemberDto): Promise<CommandAccepted> {
    return this.identity.addMember(projectId, body);
  }

  @Patch(':userId')
  @RequiresProject(permissions.manageMembers)
  @ApiOperation({ summary: 'Change a member’s role' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  changeRole(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() body: ChangeMemberRoleDto,
  ): Promise<CommandAccepted> {
    return this.identity.changeMemberRole(projectId, userId, body.role);
  }

  @Delete(':userId')
  @RequiresProject(permissions.manageMembers)
  @ApiOperation({ summary: 'Remove a member (their live subscriptions to the project end)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  remove(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) userId: string): Promise<CommandAccepted> {
    return this.identity.removeMember(projectId, userId);
  }
}

@ApiTags('api-keys')
@ApiNotFoundResponse({ description: 'No such project, or not one of yours' })
@Controller('projects/:id/api-keys')
export class ApiKeysController {
  constructor(
    private readonly identity: IdentityService,
    private readonly queries: IdentityQueries,
  ) {}

  @Get()
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'List the project’s API keys (never the keys themselves)' })
  @ApiOkResponse({ type: [ApiKeyViewDto] })
  list(@Param('id', uuidParam('id')) projectId: string): Promise<ApiKeyView[]> {
    return this.queries.apiKeys(projectId);
  }

  @Post()
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'Create an API key holding a project role; the key is in this response only' })
  @ApiCreatedResponse({ description: 'The key (shown once) and its view' })
  create(@Param('id', uuidParam('id')) projectId: string, @Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.identity.createApiKey(projectId, body);
  }

  @Delete(':keyId')
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'Revoke an API key: it stops working when this returns' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  revoke(@Param('id', uuidParam('id')) projectId: string, @Param('keyId', uuidParam('keyId')) keyId: string): Promise<CommandAccepted> {
    return this.identity.revokeApiKey(projectId, keyId);
  }
}
