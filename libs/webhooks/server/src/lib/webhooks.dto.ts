import { WEBHOOK_EVENT_KINDS, type CreateWebhookRequest, type WebhookEventKind } from '@camel/contracts';
import { WEBHOOK_DESCRIPTION_MAX } from '@camel/webhooks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateWebhookDto implements CreateWebhookRequest {
  @ApiProperty({ maxLength: 2000, example: 'https://hooks.example.com/camel', description: 'http(s) only; private addresses only when WEBHOOK_ALLOW_PRIVATE=true' })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_KINDS, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_KINDS.length)
  @IsIn(WEBHOOK_EVENT_KINDS, { each: true })
  events!: WebhookEventKind[];

  @ApiPropertyOptional({ maxLength: WEBHOOK_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_DESCRIPTION_MAX)
  description?: string;
}

export class WebhookDeliveriesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
