import {
  CONFIG_MESSAGE_MAX_LENGTH,
  permissions,
  type CommandAccepted,
  type ConfigDiff,
  type ConfigFiles,
  type ConfigSetView,
  type ConfigVersionView,
  type ImportConfigRequest,
  type RestoreConfigRequest,
  type SaveConfigRequest,
  type ValidateConfigRequest,
  type ValidateConfigResponse,
} from '@camel/contracts';
import { Body, Controller, Get, Header, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { CommandAcceptedDto, IsStringRecord, RequiresProject, uuidParam } from '@camel/server';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ImportConfigBundle, RestoreConfigVersion, SaveConfigVersion } from './configs.commands';
import { DiffConfigVersions, ExportConfigBundle, GetConfigVersion, GetLatestConfig, ListConfigVersions, ValidateConfig } from './configs.queries';

class FilesDto implements ValidateConfigRequest {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { 'agents.yaml': 'version: 1\n…' } })
  @IsStringRecord()
  files!: ConfigFiles;
}

class SaveConfigDto extends FilesDto implements SaveConfigRequest {
  @ApiProperty({ description: 'The version the edit started from (0 for the first save)' }) @IsInt() @Min(0) baseVersion!: number;
  @ApiProperty({ maxLength: CONFIG_MESSAGE_MAX_LENGTH }) @IsString() @MaxLength(CONFIG_MESSAGE_MAX_LENGTH) message!: string;
}

class RestoreConfigDto implements RestoreConfigRequest {
  @ApiProperty() @IsInt() @Min(0) baseVersion!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(CONFIG_MESSAGE_MAX_LENGTH) message?: string;
}

class ImportConfigDto implements ImportConfigRequest {
  @ApiProperty() @IsInt() @Min(0) baseVersion!: number;
  @ApiProperty({ description: 'A bundle as exported (YAML: format, version, files)' }) @IsString() @MaxLength(8 * 1024 * 1024 + 1) bundle!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(CONFIG_MESSAGE_MAX_LENGTH) message?: string;
}

class DiffQueryDto {
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) from!: number;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) to!: number;
}

const versionParam = new ParseIntPipe({ errorHttpStatusCode: 400 });

/** Controllers only dispatch: commands to the CommandBus, reads to the QueryBus. */
@ApiTags('configs')
@Controller('projects/:id/configs')
export class ConfigsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequiresProject(permissions.readConfig)
  @ApiOperation({ summary: 'The latest config set (version 0 and no files before the first save)' })
  @ApiOkResponse({ description: 'ConfigSetView' })
  current(@Param('id', uuidParam('id')) projectId: string): Promise<ConfigSetView> {
    return this.queries.execute(new GetLatestConfig(projectId));
  }

  @Post()
  @RequiresProject(permissions.writeConfig)
  @ApiOperation({ summary: 'Save a new version of the whole set', description: 'Refused with every problem (400) or, on a stale baseVersion, 409 with the diff.' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  @ApiConflictResponse({ description: 'baseVersion is not the latest: details carry both versions and the diff' })
  save(@Param('id', uuidParam('id')) projectId: string, @Body() body: SaveConfigDto): Promise<CommandAccepted> {
    return this.commands.execute(new SaveConfigVersion(projectId, body.baseVersion, body.files, body.message));
  }

  @Post('validate')
  @HttpCode(200)
  @RequiresProject(permissions.readConfig)
  @ApiOperation({ summary: 'Validate a set without saving it (the editor calls this as you type)' })
  @ApiOkResponse({ description: '{ ok, problems }' })
  validate(@Body() body: FilesDto): Promise<ValidateConfigResponse> {
    return this.queries.execute(new ValidateConfig(body.files));
  }

  @Get('versions')
  @RequiresProject(permissions.readConfig)
  @ApiOperation({ summary: 'Every saved version, newest first (without files)' })
  @ApiOkResponse({ description: 'ConfigVersionView[]' })
  versions(@Param('id', uuidParam('id')) projectId: string): Promise<ConfigVersionView[]> {
    return this.queries.execute(new ListConfigVersions(projectId));
  }

  @Get('versions/:version')
  @RequiresProject(permissions.readConfig)
  @ApiOperation({ summary: 'One version with its files' })
  @ApiOkResponse({ description: 'ConfigSetView' })
  version(@Param('id', uuidParam('id')) projectId: string, @Param('version', versionParam) version: number): Promise<ConfigSetView> {
    return this.queries.execute(new GetConfigVersion(projectId, version));
  }

  @Post('versions/:version/restore')
  @RequiresProject(permissions.writeConfig)
  @ApiOperation({ summary: 'Restore an old version as a new version' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  restore(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('version', versionParam) version: number,
    @Body() body: RestoreConfigDto,
  ): Promise<CommandAccepted> {
    return this.commands.execute(new RestoreConfigVersion(projectId, version, body.baseVersion, body.message));
  }

  @Get('diff')
  @RequiresProject(permissions.readConfig)
  @ApiOperation({ summary: 'Line diff between two versions (0 = empty set)' })
  @ApiOkResponse({ description: 'ConfigDiff' })
  diff(@Param('id', uuidParam('id')) projectId: string, @Query() query: DiffQueryDto): Promise<ConfigDiff> {
    return this.queries.execute(new DiffConfigVersions(projectId, query.from, query.to));
  }

  @Get('export')
  @RequiresProject(permissions.readConfig)
  @Header('content-type', 'application/yaml; charset=utf-8')
  @ApiOperation({ summary: 'The latest set as one YAML bundle' })
  @ApiOkResponse({ description: 'YAML: format, version, files' })
  export(@Param('id', uuidParam('id')) projectId: string): Promise<string> {
    return this.queries.execute(new ExportConfigBundle(projectId));
  }

  @Post('import')
  @RequiresProject(permissions.writeConfig)
  @ApiOperation({ summary: 'Import a bundle as one new version (all or nothing)' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  import(@Param('id', uuidParam('id')) projectId: string, @Body() body: ImportConfigDto): Promise<CommandAccepted> {
    return this.commands.execute(new ImportConfigBundle(projectId, body.baseVersion, body.bundle, body.message));
  }
}
