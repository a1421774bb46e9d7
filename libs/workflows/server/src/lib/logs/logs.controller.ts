import { permissions, type LogEntryDetail, type LogPage } from '@camel/contracts';
import { ApiErrorDto, RequiresProject, uuidParam } from '@camel/server';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LogQueryDto } from '../runs/runs.dto';
import { GetLogEntry, ListLogEntries } from '../runs/runs.queries';

/** The logs explorer: every turn and alternative of the project's runs. */
@ApiTags('logs')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid filter; `fields` names it' })
@Controller('projects/:id/logs')
export class LogsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'Filter, search (full text) and page through log entries (keyset: pass `next` as `after`)' })
  @ApiOkResponse({ description: 'LogPage' })
  list(@Param('id', uuidParam('id')) projectId: string, @Query() query: LogQueryDto): Promise<LogPage> {
    return this.queries.execute(new ListLogEntries(projectId, query));
  }

  @Get(':entryId')
  @RequiresProject(permissions.readRun)
  @ApiOperation({ summary: 'One entry with its exact prompt (rebuilt from the run’s stream) and its alternatives' })
  @ApiOkResponse({ description: 'LogEntryDetail' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Param('id', uuidParam('id')) projectId: string, @Param('entryId') entryId: string): Promise<LogEntryDetail> {
    return this.queries.execute(new GetLogEntry(projectId, entryId));
  }
}
