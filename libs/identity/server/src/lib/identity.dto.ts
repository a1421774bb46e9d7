import {
  API_KEY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PROJECT_ROLES,
  USER_NAME_MAX_LENGTH,
  type AcceptInviteRequest,
  type AddMemberRequest,
  type ApiKeyView,
  type AuditEntry,
  type ChangeMemberRoleRequest,
  type ChangePasswordRequest,
  type CreateApiKeyRequest,
  type CreateUserRequest,
  type GlobalRole,
  type LoginRequest,
  type MemberView,
  type ProjectRole,
  type RefreshRequest,
  type UpdateUserRequest,
  type UserStatus,
  type UserView,
} from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

// Password length policy is checked by the decider (so the same rule holds everywhere); here only types and an upper bound.
export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'ada@example.com' }) @IsString() @IsNotEmpty() @MaxLength(EMAIL_MAX_LENGTH) email!: string;
  @ApiProperty({ format: 'password' }) @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH) password!: string;
}

export class RefreshDto implements RefreshRequest {
  @ApiPropertyOptional({ description: 'Omit in browsers: the HttpOnly cookie is used' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class AcceptInviteDto implements AcceptInviteRequest {
  @ApiProperty({ description: 'The one-time invite or reset token' }) @IsString() @IsNotEmpty() @MaxLength(200) token!: string;
  @ApiProperty({ format: 'password', minLength: 12 }) @IsString() @MaxLength(PASSWORD_MAX_LENGTH) password!: string;
}

export class ChangePasswordDto implements ChangePasswordRequest {
  @ApiProperty({ format: 'password' }) @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH) currentPassword!: string;
  @ApiProperty({ format: 'password', minLength: 12 }) @IsString() @MaxLength(PASSWORD_MAX_LENGTH) newPassword!: string;
}

export class CreateUserDto implements CreateUserRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(EMAIL_MAX_LENGTH) email!: string;
  @ApiProperty({ maxLength: USER_NAME_MAX_LENGTH }) @IsString() @IsNotEmpty() @MaxLength(USER_NAME_MAX_LENGTH) name!: string;
  @ApiPropertyOptional({ enum: ['owner'], nullable: true })
  @IsOptional()
  @IsIn(['owner'])
  globalRole?: GlobalRole | null;
  @ApiPropertyOptional({ format: 'password', description: 'Omit to invite the user (a one-time token is returned)' })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

export class UpdateUserDto implements UpdateUserRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(USER_NAME_MAX_LENGTH) name?: string;
  @ApiPropertyOptional({ enum: ['owner'], nullable: true, description: 'null removes the owner role' })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @IsIn(['owner'])
  globalRole?: GlobalRole | null;
}

export class AddMemberDto implements AddMemberRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(EMAIL_MAX_LENGTH) email?: string;
  @ApiProperty({ enum: PROJECT_ROLES }) @IsIn(PROJECT_ROLES) role!: ProjectRole;
}

export class ChangeMemberRoleDto implements ChangeMemberRoleRequest {
  @ApiProperty({ enum: PROJECT_ROLES }) @IsIn(PROJECT_ROLES) role!: ProjectRole;
}


/**
 * The ISO 8601 shapes the audit filter can compare: a calendar date, optionally with a time and an
 * offset. Week dates (`2020-W01`) and ordinal dates (`2020-123`) are valid ISO 8601 but not dates
 * JavaScript parses, so they are refused as input instead of failing later.
 */
const CALENDAR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const CALENDAR_TIME_MESSAGE = (field: string) => `${field} must be a date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z`;

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'user:0193…' }) @IsOptional() @Matches(/^(user|api-key|system|anonymous):[A-Za-z0-9._:-]{1,128}$/, { message: 'actor must be type:id, e.g. user:<id>' }) actor?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() projectId?: string;
  @ApiPropertyOptional({ description: 'Event type, or a family prefix ending in *' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}\*?$/, { message: 'type must be an event type or a prefix ending in *' })
  type?: string;
  @ApiPropertyOptional({ description: 'Event types or family prefixes ending in * to leave out, comma-separated (at most 20)', example: 'Session*,ConfigDraftSaved' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}\*?(,[A-Za-z][A-Za-z0-9]{0,99}\*?){0,19}$/, { message: 'exclude must be event types or prefixes ending in *, separated by commas' })
  exclude?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @Matches(CALENDAR_TIME, { message: CALENDAR_TIME_MESSAGE('from') }) @IsISO8601({ strict: true }, { message: CALENDAR_TIME_MESSAGE('from') }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @Matches(CALENDAR_TIME, { message: CALENDAR_TIME_MESSAGE('to') }) @IsISO8601({ strict: true }, { message: CALENDAR_TIME_MESSAGE('to') }) to?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) before?: number;
  @ApiPropertyOptional({ default: 100, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class VerifyBodyDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'A signed checkpoint (POST /api/audit/checkpoints, `cli checkpoint`) to compare the log with' })
  @IsOptional()
  @IsObject()
  checkpoint?: Record<string, unknown>;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Project admins verify their project’s streams' })
  @IsOptional()
  @IsUUID()
  projectId?: string;
}

export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['owner'], nullable: true }) globalRole!: GlobalRole | null;
  @ApiProperty({ enum: ['invited', 'active', 'disabled'] }) status!: UserStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) lastLoginAt!: string | null;
  @ApiProperty() version!: number;
}

export class MemberViewDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PROJECT_ROLES }) role!: ProjectRole;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateApiKeyDto implements CreateApiKeyRequest {
  @ApiProperty({ maxLength: API_KEY_NAME_MAX_LENGTH }) @IsString() @IsNotEmpty() @MaxLength(API_KEY_NAME_MAX_LENGTH) name!: string;
  @ApiProperty({ enum: PROJECT_ROLES }) @IsIn(PROJECT_ROLES) role!: ProjectRole;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working (in the future); absent = until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' })
  expiresAt?: string;
}

export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PROJECT_ROLES }) role!: ProjectRole;
  @ApiProperty({ example: 'camel_0193ab12' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'When the key stops working; null = until revoked' }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ nullable: true }) projectId!: string | null;
  @ApiProperty({ type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } }) actor!: AuditEntry['actor'];
  @ApiProperty({ nullable: true }) requestId!: string | null;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) entries!: AuditEntryDto[];
  @ApiProperty({ nullable: true, description: 'Pass as `before` for the next (older) page; null at the start of the log' }) nextBefore!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Display names by `user:<id>`, `api-key:<id>`, `project:<id>`: the actors, projects and stream subjects of the entries',
  })
  names!: Record<string, string>;
}
