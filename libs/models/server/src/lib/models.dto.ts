import type { ImportModelRequest, TagModelRequest } from '@camel/contracts';
import { MODEL_DESCRIPTION_MAX } from '@camel/models';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class ImportModelDto implements ImportModelRequest {
  @ApiProperty({ example: 'smollm-135m', description: 'Lower-case, a-z 0-9 . _ - (agents name the model by it); unique among the project’s active models and the built-ins' })
  @IsString()
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({ maxLength: MODEL_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(MODEL_DESCRIPTION_MAX)
  description?: string;

  @ApiProperty({ example: '/srv/models/SmolLM-135M', description: 'A folder on the server (config.json, model.safetensors, tokenizer.json) inside a directory MODEL_IMPORT_DIRS allows; relative paths are taken from the first' })
  @IsString()
  @MaxLength(4096)
  path!: string;
}

export class TagModelDto implements TagModelRequest {
  @ApiProperty({ example: 'production', description: 'a-z 0-9 . _ -, at most 32; a tag names one model of a project: tagging another model moves it' })
  @IsString()
  @MaxLength(32)
  tag!: string;
}

export class ModelListQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'List archived models too' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeArchived?: 'true' | 'false';
}

export class ModelCompareQueryDto {
  @ApiProperty({ example: 'starter,6f1c…', description: '2–8 model ids, comma-separated' })
  @IsString()
  @MaxLength(2000)
  ids!: string;
}
