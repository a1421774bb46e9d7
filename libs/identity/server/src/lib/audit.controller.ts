import { DomainError, permissions, type AuditPage, type AuditVerifyResult } from '@camel/contracts';
import type { EventStore, VerifyReport } from '@camel/event-store';
import { can, CLOCK, CurrentPrincipal, EVENT_STORE, type Principal, projectsWith, RequiresSomeProject } from '@camel/server';
import type { Clock } from '@camel/kernel';
import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditEntryDto, AuditQueryDto, VerifyQueryDto } from './identity.dto';
import { IdentityQueries } from './identity.queries';

/** The first broken link in log order, over every broken stream. */
export function toVerifyResult(reports: readonly VerifyReport[], now: Date): AuditVerifyResult {
  const failures = reports.flatMap((report) => report.failures).sort((a, b) => a.position - b.position);
  const first = failures[0];
  return {
    ok: failures.length === 0,
    eventsChecked: reports.reduce((sum, r) => sum + r.eventsChecked, 0),
    streamsChecked: reports.reduce((sum, r) => sum + r.streamsChecked, 0),
    firstBroken: first ? { streamId: first.streamId, streamVersion: first.streamVersion, position: first.position, reason: first.reason } : null,
    brokenStreams: failures.length,
    checkedAt: now.toISOString(),
  };
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly queries: IdentityQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

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
    return this.queries.audit(query, projects);
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
      return toVerifyResult([await this.store.verify()], this.clock.now());
    }
    if (!can(principal, permissions.verifyAudit, query.projectId)) {
      throw DomainError.notFound('project.not-found', `project ${query.projectId} does not exist`);
    }
    const reports: VerifyReport[] = [];
    for (const streamId of await this.queries.projectStreams(query.projectId)) reports.push(await this.store.verify({ streamId }));
    return toVerifyResult(reports, this.clock.now());
  }
}
