import { DomainError, permissions, type AuditPage, type AuditVerifyResult } from '@camel/contracts';
import { can, CurrentPrincipal, type Principal, projectsWith, RequiresInstallation, RequiresSomeProject } from '@camel/server';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LogCheckpoint } from '@camel/event-store';
import { AuditPageDto, AuditQueryDto, VerifyBodyDto, VerifyQueryDto } from './identity.dto';
import { CreateLogCheckpoint, ListAuditEntries, VerifyEventLog, type VerifyOutcome } from './audit.queries';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequiresSomeProject(permissions.readAudit)
  @ApiOperation({
    summary: 'Who did what, when — newest first, filterable by actor, project, type (or types to exclude) and time',
    description:
      'Owners see everything; project admins see the events of their projects. Token rotations are bookkeeping and not listed (sign-in, sign-out and revocation are). `names` resolves the ids the entries refer to.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  list(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal): Promise<AuditPage> {
    const projects = projectsWith(principal, permissions.readAudit);
    if (query.projectId && projects !== 'all' && !projects.includes(query.projectId)) {
      throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    }
    return this.queries.execute(new ListAuditEntries(query, projects));
  }

  @Post('verify')
  @HttpCode(200)
  @RequiresSomeProject(permissions.verifyAudit)
  @ApiOperation({
    summary: 'Check the hash chains of the log and report the first broken link',
    description:
      'Owners verify the whole log, and may send a signed checkpoint to compare it with (deleted, inserted or rewritten events since); project admins pass projectId and verify that project’s streams.',
  })
  @ApiOkResponse({ description: 'AuditVerifyResult' })
  async verify(@Query() query: VerifyQueryDto, @Body() body: VerifyBodyDto | undefined, @CurrentPrincipal() principal: Principal): Promise<AuditVerifyResult> {
    if (!query.projectId) {
      if (!can(principal, permissions.verifyAudit)) {
        throw DomainError.validation('audit.project.required', 'projectId', 'projectId is required to verify a project’s streams');
      }
      return (await this.queries.execute<VerifyEventLog, VerifyOutcome>(new VerifyEventLog({ checkpoint: body?.checkpoint }))).result;
    }
    if (body?.checkpoint !== undefined) {
      throw DomainError.validation('audit.checkpoint.whole-log', 'checkpoint', 'a checkpoint covers the whole log: verify it without projectId');
    }
    if (!can(principal, permissions.verifyAudit, query.projectId)) {
      throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    }
    return (await this.queries.execute<VerifyEventLog, VerifyOutcome>(new VerifyEventLog({ projectId: query.projectId }))).result;
  }

  @Post('checkpoints')
  @HttpCode(200)
  @RequiresInstallation(permissions.verifyAudit)
  @ApiOperation({
    summary: 'Sign a checkpoint of the whole log (position, count, cumulative hash, stream heads)',
    description: 'Keep it outside the database; send it to POST /api/audit/verify later to find what changed since.',
  })
  @ApiOkResponse({ description: 'LogCheckpoint' })
  checkpoint(): Promise<LogCheckpoint> {
    return this.queries.execute<CreateLogCheckpoint, LogCheckpoint>(new CreateLogCheckpoint());
  }
}
