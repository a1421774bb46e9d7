import { permissions, type ApiKeyCreatedResponse, type ApiKeyView, type CommandAccepted } from '@camel/contracts';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandAcceptedDto, RequiresProject, uuidParam } from '@camel/server';
import { CreateApiKey, RevokeApiKey } from './api-keys.commands';
import { ApiKeyViewDto, CreateApiKeyDto } from './identity.dto';
import { ListApiKeys } from './identity.queries';

@ApiTags('api-keys')
@ApiNotFoundResponse({ description: 'No such project, or not one of yours' })
@Controller('projects/:id/api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'List the project’s API keys (never the keys themselves)' })
  @ApiOkResponse({ type: [ApiKeyViewDto] })
  list(@Param('id', uuidParam('id')) projectId: string): Promise<ApiKeyView[]> {
    return this.queries.execute(new ListApiKeys(projectId));
  }

  @Post()
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'Create an API key holding a project role; the key is in this response only' })
  @ApiCreatedResponse({ description: 'The key (shown once) and its view' })
  create(@Param('id', uuidParam('id')) projectId: string, @Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.commands.execute(new CreateApiKey(projectId, body));
  }

  @Delete(':keyId')
  @RequiresProject(permissions.manageApiKeys)
  @ApiOperation({ summary: 'Revoke an API key: it stops working when this returns' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  revoke(@Param('id', uuidParam('id')) projectId: string, @Param('keyId', uuidParam('keyId')) keyId: string): Promise<CommandAccepted> {
    return this.commands.execute(new RevokeApiKey(projectId, keyId));
  }
}
