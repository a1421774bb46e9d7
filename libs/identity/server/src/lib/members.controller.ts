import { permissions, type CommandAccepted, type MemberView } from '@camel/contracts';
import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandAcceptedDto, RequiresProject, uuidParam } from '@camel/server';
import { AddMemberDto, ChangeMemberRoleDto, MemberViewDto } from './identity.dto';
import { ListMembers } from './identity.queries';
import { AddMember, ChangeMemberRole, RemoveMember } from './members.commands';

@ApiTags('members')
@ApiNotFoundResponse({ description: 'No such project, or not one of yours' })
@Controller('projects/:id/members')
export class MembersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequiresProject(permissions.readProject)
  @ApiOperation({ summary: 'List the members of a project' })
  @ApiOkResponse({ type: [MemberViewDto] })
  list(@Param('id', uuidParam('id')) projectId: string): Promise<MemberView[]> {
    return this.queries.execute(new ListMembers(projectId));
  }

  @Post()
  @RequiresProject(permissions.manageMembers)
  @ApiOperation({ summary: 'Add a user (by id or email) with a role' })
  @ApiCreatedResponse({ type: CommandAcceptedDto })
  add(@Param('id', uuidParam('id')) projectId: string, @Body() body: AddMemberDto): Promise<CommandAccepted> {
    return this.commands.execute(new AddMember(projectId, body));
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
    return this.commands.execute(new ChangeMemberRole(projectId, userId, body.role));
  }

  @Delete(':userId')
  @RequiresProject(permissions.manageMembers)
  @ApiOperation({ summary: 'Remove a member (their live subscriptions to the project end)' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  remove(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) userId: string): Promise<CommandAccepted> {
    return this.commands.execute(new RemoveMember(projectId, userId));
  }
}
