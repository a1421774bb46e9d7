import {
  PREFERENCE_CHOICES,
  QUEUE_ITEM_PAGE_MAX,
  QUEUE_ITEM_STATUSES,
  QUEUE_KINDS,
  QUEUE_STATUSES,
  type AddQueueItemsRequest,
  type AdjudicateRequest,
  type AnnotationValue,
  type CreateQueueRequest,
  type DefineLabelSetRequest,
  type Label,
  type QueueAssignees,
  type QueueItemSource,
  type QueueItemStatus,
  type QueueStatus,
  type QueueKind,
  type QueueSuggestions,
  type RatingScale,
  type ReviseAnnotationRequest,
  type SubmitAnnotationRequest,
  type SubmitResponseRequest,
  type UpdateQueueRequest,
  type WithdrawAnnotationRequest,
} from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const ID_MAX = 200;
const NOTE_MAX = 2000;

const VALUE_DOC = {
  type: 'object',
  additionalProperties: true,
  description: `rating (integer on the queue’s scale), rationale, tags (names of the label set), correction, preference { alternativeEntryId, choice: ${PREFERENCE_CHOICES.join(' | ')} }, flags (unsafe, broken)`,
} as const;

const SOURCE_DOC = {
  type: 'object',
  description: 'One of { filter: LogQuery filters } | { entryIds: [..] } | { pairs: [{ entryId, alternativeEntryId }] }',
  additionalProperties: true,
} as const;

export class DefineLabelSetDto implements DefineLabelSetRequest {
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, color: { type: 'string', example: '#3366ff' } } } })
  @IsArray()
  labels!: Label[];
}

export class SubmitAnnotationDto implements SubmitAnnotationRequest {
  @ApiProperty({ example: '<runId>:<turnId>' }) @IsString() @IsNotEmpty() @MaxLength(ID_MAX) entryId!: string;
  @ApiProperty(VALUE_DOC) @IsObject() value!: AnnotationValue;
}

export class ReviseAnnotationDto implements ReviseAnnotationRequest {
  @ApiProperty(VALUE_DOC) @IsObject() value!: AnnotationValue;
}

export class WithdrawAnnotationDto implements WithdrawAnnotationRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(NOTE_MAX) reason?: string;
}

export class AnnotationListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) entryId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() queueId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() itemId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) annotator?: string;
}

export class CreateQueueDto implements CreateQueueRequest {
  @ApiProperty({ maxLength: 200 }) @IsString() @MaxLength(200) name!: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiProperty({ enum: QUEUE_KINDS }) @IsIn(QUEUE_KINDS) kind!: QueueKind;
  @ApiPropertyOptional({ type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } }, description: 'default 1–5' }) @IsOptional() @IsObject() ratingScale?: RatingScale;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsInt() responsesRequired?: number;
  @ApiPropertyOptional({ default: 300 }) @IsOptional() @IsInt() reservationSeconds?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() blind?: boolean;
  @ApiPropertyOptional({ type: 'object', description: '{ kind: "role" } (default: every annotator) or { kind: "users", userIds }', additionalProperties: true })
  @IsOptional()
  @IsObject()
  assignees?: QueueAssignees;
  @ApiPropertyOptional({ type: 'object', nullable: true, properties: { agent: { type: 'string' } }, description: 'A judge agent of the project’s config' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsObject()
  suggestions?: QueueSuggestions | null;
  @ApiPropertyOptional(SOURCE_DOC) @IsOptional() @IsObject() source?: QueueItemSource;
}

export class UpdateQueueDto implements UpdateQueueRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @ValidateIf((_o, v) => v !== null) @IsString() @MaxLength(2000) description?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsInt() reservationSeconds?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() assignees?: QueueAssignees;
}

export class AddQueueItemsDto implements AddQueueItemsRequest {
  @ApiProperty(SOURCE_DOC) @IsObject() source!: QueueItemSource;
}

export class QueueListQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_STATUSES, description: 'Only the queues of this status; absent: the open and closed ones (archived queues are listed only when asked for)' })
  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status?: QueueStatus;
}

export class QueueItemsQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_ITEM_STATUSES }) @IsOptional() @IsIn(QUEUE_ITEM_STATUSES) status?: QueueItemStatus;
  @ApiPropertyOptional({ maximum: QUEUE_ITEM_PAGE_MAX, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(QUEUE_ITEM_PAGE_MAX) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` cursor of the previous page' }) @IsOptional() @IsString() @MaxLength(40) after?: string;
}

export class SubmitResponseDto implements SubmitResponseRequest {
  @ApiProperty(VALUE_DOC) @IsObject() value!: AnnotationValue;
  @ApiPropertyOptional({ format: 'uuid', description: 'The suggestion it started from' }) @IsOptional() @IsUUID() fromSuggestion?: string;
}

export class AdjudicateDto implements AdjudicateRequest {
  @ApiProperty(VALUE_DOC) @IsObject() value!: AnnotationValue;
  @ApiPropertyOptional({ maxLength: NOTE_MAX }) @IsOptional() @IsString() @MaxLength(NOTE_MAX) note?: string;
}

// ───── response shapes for the OpenAPI document (the contracts file has the full types) ─────

export class AnnotationViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty() entryId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ nullable: true, type: String }) queueId!: string | null;
  @ApiProperty({ nullable: true, type: String }) itemId!: string | null;
  @ApiProperty() annotator!: string;
  @ApiProperty(VALUE_DOC) value!: AnnotationValue;
  @ApiProperty({ nullable: true, type: String }) fromSuggestion!: string | null;
  @ApiProperty() extra!: boolean;
  @ApiProperty() withdrawn!: boolean;
  @ApiProperty() revision!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class AnnotationDetailDto extends AnnotationViewDto {
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { revision: { type: 'integer' }, value: { type: 'object' }, at: { type: 'string' } } } })
  history!: unknown[];
}

export class AnnotationListDto {
  @ApiProperty({ type: [AnnotationViewDto] }) annotations!: AnnotationViewDto[];
  @ApiProperty({ description: 'Answers withheld by blind mode' }) withheld!: number;
  @ApiProperty() position!: number;
}

export class LabelSetViewDto {
  @ApiProperty() projectId!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) labels!: Label[];
}

export class QueueViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: QUEUE_KINDS }) kind!: QueueKind;
  @ApiProperty({ type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } }) ratingScale!: RatingScale;
  @ApiProperty() responsesRequired!: number;
  @ApiProperty() reservationSeconds!: number;
  @ApiProperty() blind!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) assignees!: QueueAssignees;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) suggestions!: QueueSuggestions | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: 'object', properties: { items: { type: 'integer' }, completed: { type: 'integer' }, adjudicated: { type: 'integer' }, responses: { type: 'integer' } } })
  counts!: unknown;
}

export class QueueListDto {
  @ApiProperty({ type: [QueueViewDto] }) queues!: QueueViewDto[];
  @ApiProperty() position!: number;
}

export class AddQueueItemsResultDto {
  @ApiProperty() added!: number;
  @ApiProperty({ description: 'Already in the queue or repeated: not added again' }) duplicates!: number;
  @ApiProperty() position!: number;
}

export class CreateQueueResultDto extends AddQueueItemsResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class QueueItemViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() queueId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() entryId!: string;
  @ApiProperty({ nullable: true, type: String }) alternativeEntryId!: string | null;
  @ApiProperty({ enum: QUEUE_ITEM_STATUSES }) status!: QueueItemStatus;
  @ApiProperty() responses!: number;
  @ApiProperty() extraResponses!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { annotator: { type: 'string' }, until: { type: 'string' } } } }) reservations!: unknown[];
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) adjudication!: unknown;
}

export class QueueItemPageDto {
  @ApiProperty({ type: [QueueItemViewDto] }) items!: QueueItemViewDto[];
  @ApiProperty({ nullable: true, type: String }) next!: string | null;
}

export class QueueItemWorkDto {
  @ApiProperty({ type: QueueItemViewDto }) item!: QueueItemViewDto;
  @ApiProperty({ type: QueueViewDto }) queue!: QueueViewDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'LogEntryDetail: the entry with its prompt' }) entry!: unknown;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'LogEntryView of the alternative (pairwise)' }) alternative!: unknown;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) suggestion!: unknown;
  @ApiProperty({ type: AnnotationViewDto, nullable: true }) mine!: AnnotationViewDto | null;
  @ApiProperty({ type: [AnnotationViewDto] }) others!: AnnotationViewDto[];
  @ApiProperty() withheld!: number;
  @ApiProperty({ nullable: true, type: String }) reservedUntil!: string | null;
}

export class NextItemResultDto {
  @ApiProperty({ type: QueueItemWorkDto, nullable: true, description: 'null: nothing left for you' }) work!: QueueItemWorkDto | null;
}

export class SubmitResponseResultDto {
  @ApiProperty({ format: 'uuid', description: 'The annotation id' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ description: 'Beyond the required responses: kept, not counted' }) extra!: boolean;
  @ApiProperty({ description: 'This response completed the item' }) completed!: boolean;
}

export class QueueProgressDto {
  @ApiProperty() queueId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) counts!: unknown;
  @ApiProperty() fraction!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { annotator: { type: 'string' }, responses: { type: 'integer' }, extra: { type: 'integer' }, skipped: { type: 'integer' }, reserved: { type: 'integer' } } } })
  annotators!: unknown[];
}

export class AgreementReportDto {
  @ApiProperty() queueId!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Per field: units, annotators, statistics (metric, value or null)' }) fields!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) disagreements!: unknown[];
}
