import {
  LOG_PAGE_MAX,
  LOG_SORTS,
  RUN_STATUSES,
  RUN_TEXT_MAX_LENGTH,
  TERMINATION_REASONS,
  TURN_ROLES,
  type ChooseCandidateRequest,
  type LogQuery,
  type LogSort,
  type ModelParameters,
  type RegenerateTurnRequest,
  type RunListQuery,
  type RunStatus,
  type StartRunRequest,
  type SubmitHumanTurnRequest,
  type TerminationReason,
  type TurnRole,
} from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const NAME_MAX = 200;

export class StartRunDto implements StartRunRequest {
  @ApiProperty({ example: 'stock_trading_bot', description: 'A workflow name of the config version' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  workflow!: string;

  @ApiPropertyOptional({ description: 'The config version to pin; the latest when absent' })
  @IsOptional()
  @IsInt()
  @Min(1)
  configVersion?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'task, maxTurns, maxIterations, maxTotalTokens, agents.<name>, critic (docs/workflows.md)' })
  @IsOptional()
  @IsObject()
  overrides?: StartRunRequest['overrides'];
}

export class SubmitHumanTurnDto implements SubmitHumanTurnRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(NAME_MAX) agent!: string;
  @ApiProperty({ maxLength: RUN_TEXT_MAX_LENGTH }) @IsString() @MaxLength(RUN_TEXT_MAX_LENGTH) content!: string;
}

export class ChooseCandidateDto implements ChooseCandidateRequest {
  @ApiProperty({ description: '0-based index of the candidate' }) @IsInt() @Min(0) @Max(16) candidate!: number;
}

export class RegenerateTurnDto implements RegenerateTurnRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(NAME_MAX) provider?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(NAME_MAX) model?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'temperature, top_p, max_tokens, stop, seed…' })
  @IsOptional()
  @IsObject()
  parameters?: ModelParameters;
}

export class RunListQueryDto implements RunListQuery {
  @ApiPropertyOptional({ enum: RUN_STATUSES }) @IsOptional() @IsIn(RUN_STATUSES) status?: RunStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NAME_MAX) workflow?: string;
}

export class ReplayQueryDto {
  @ApiPropertyOptional({ description: 'The run as of its N-th event (1-based); the latest when absent' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  count?: number;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class LogQueryDto implements LogQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NAME_MAX) workflow?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NAME_MAX) runId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NAME_MAX) agent?: string;
  @ApiPropertyOptional({ enum: TURN_ROLES }) @IsOptional() @IsIn(TURN_ROLES) role?: TurnRole;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NAME_MAX) model?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ enum: TERMINATION_REASONS }) @IsOptional() @IsIn(TERMINATION_REASONS) reason?: TerminationReason;
  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() annotated?: boolean;
  @ApiPropertyOptional({ description: 'Full-text query over the content' }) @IsOptional() @IsString() @MaxLength(500) q?: string;
  @ApiPropertyOptional({ enum: LOG_SORTS, default: 'newest' }) @IsOptional() @IsIn(LOG_SORTS) sort?: LogSort;
  @ApiPropertyOptional({ maximum: LOG_PAGE_MAX, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(LOG_PAGE_MAX) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` cursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) after?: string;
}
