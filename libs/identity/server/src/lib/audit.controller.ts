import { DomainError, permissions, type AuditPage, type AuditVerifyResult } from '@camel/contracts';
import { can, CurrentPrincipal, type Principal, projectsWith, RequiresSomeProject } from '@camel/server';
import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditEntryDto, AuditQueryDto, VerifyQueryDto } from './identity.dto';
import { ListAuditEntries, VerifyEventLog, type VerifyOutcome } from './audit.queries';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequiresSomeProject(permissions.readAudit)
  @ApiOperation({
    summary: 'Who did what, when — newest first, filterable by actor, project, type and time',
    description: 'Owners see everything; project admins see the events of their projects.',
  })
  @ApiOkResponse({ type: [AuditEntryDto], description: '{ entries, nextBefore }' })
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
    description: 'Owners verify the whole log; project admins pass projectId and verify that project’s streams.',
  })
  @ApiOkResponse({ description: 'AuditVerifyResult' })
  async verify(@Query() query: VerifyQueryDto, @CurrentPrincipal() principal: Principal): Promise<AuditVerifyResult> {
    if (!query.projectId) {
      if (!can(principal, permissions.verifyAudit)) {
        throw DomainError.validation('audit.project.required', 'projectId', 'projectId is required to verify a project’s streams');
      }
      return (await this.queries.execute<VerifyEventLog, VerifyOutcome>(new VerifyEventLog())).result;
    }
    if (!can(principal, permissions.verifyAudit, query.projectId)) {
      throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    }
    return (await this.queries.execute<VerifyEventLog, VerifyOutcome>(new VerifyEventLog({ projectId: query.projectId }))).result;
  }
}
