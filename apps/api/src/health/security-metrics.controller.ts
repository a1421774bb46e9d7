import { permissions } from '@camel/contracts';
import { RequiresInstallation, SecurityRefusals } from '@camel/server';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

@ApiTags('audit')
@Controller('metrics')
export class SecurityMetricsController {
  constructor(private readonly refusals: SecurityRefusals) {}

  @Get('security')
  @RequiresInstallation(permissions.readAudit)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Security log counters (Prometheus text): requests refused with 401, 403 or 429 by status and code since the process started',
    description:
      'One series per status and error code (`camel_security_refusals_total{status="401",code="auth.invalid-credentials"}` counts failed sign-ins); the matching log lines carry the path, request id and client address. Per process: sum over replicas.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  security(): string {
    return this.refusals.toPrometheus();
  }
}
