import { permissions, type QueueBoardSession } from '@camel/contracts';
import { ApiErrorDto, CurrentPrincipal, RequiresInstallation, type Principal } from '@camel/server';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueueBoard } from './queue-board';

/** Opens the queue board (Bull Board) for an owner's browser; see QueueBoard. Records no event. */
@ApiTags('queues')
@Controller('admin/queue-board')
export class QueueBoardController {
  constructor(private readonly board: QueueBoard) {}

  @Post('session')
  @HttpCode(200)
  @RequiresInstallation(permissions.manageQueues)
  @ApiOperation({
    summary: 'Sets the cookie that opens the queue board (HttpOnly, SameSite=Strict, Path=/api/admin/queues, 10 minutes) and names its URL',
  })
  @ApiOkResponse({ description: 'QueueBoardSession { url, expiresAt }' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'queues.board-unavailable: no Redis (the embedded default)' })
  session(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Parameters<QueueBoard['session']>[1],
    @Res({ passthrough: true }) response: Parameters<QueueBoard['session']>[2],
  ): QueueBoardSession {
    return this.board.session(principal, request, response);
  }
}
