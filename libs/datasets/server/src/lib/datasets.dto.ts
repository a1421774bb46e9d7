import {
  DATASET_EXPORT_FORMATS,
  DATASET_NAME_MAX,
  DATASET_PREVIEW_MAX,
  type CreateDatasetSnapshotRequest,
  type DatasetExportFormat,
  type DatasetExportQuery,
  type DatasetPreviewQuery,
  type DatasetSelection,
  type DatasetSplitFilter,
  type DatasetSplitSpec,
  type ImportDatasetRequest,
} from '@camel/contracts';
import { DATASET_DESCRIPTION_MAX } from '@camel/datasets';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const SPLIT_FILTERS: readonly DatasetSplitFilter[] = ['train', 'test', 'all'];

export class DatasetSplitDto implements DatasetSplitSpec {
  @ApiProperty({ minimum: 0, maximum: 0.999999, example: 0.1, description: 'Share of the pairs in `test` (0 ≤ ratio < 1)' })
  @IsNumber()
  @Min(0)
  @Max(0.999999)
  testRatio!: number;

  @ApiProperty({ example: 1, description: 'The same seed gives the same split' })
  @IsInt()
  seed!: number;
}

/** What every new version names: its dataset, a description, the split. */
class DatasetVersionFieldsDto {
  @ApiProperty({ maxLength: DATASET_NAME_MAX, example: 'pairwise-trading', description: 'An existing name gets its next version' })
  @IsString()
  @MaxLength(DATASET_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({ maxLength: DATASET_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DATASET_DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({ type: DatasetSplitDto, description: 'Default `{ testRatio: 0.1, seed: 1 }`' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DatasetSplitDto)
  split?: DatasetSplitDto;
}

export class CreateDatasetSnapshotDto extends DatasetVersionFieldsDto implements CreateDatasetSnapshotRequest {
  @ApiProperty({
    description: '`{ kind: "filter", filter: { workflow?, runId?, agent?, role?, model?, from?, to?, reason?, annotated?, q? } }` (the logs filters) or `{ kind: "queue", queueId }`',
    example: { kind: 'filter', filter: { workflow: 'trading' } },
  })
  @IsObject()
  selection!: DatasetSelection;
}

export class ImportDatasetDto extends DatasetVersionFieldsDto implements ImportDatasetRequest {
  @ApiProperty({ description: 'The JSONL file: one pair per line, TRL standard (strings) or conversational (message lists)' })
  @IsString()
  content!: string;
}

export class DatasetPreviewQueryDto implements DatasetPreviewQuery {
  @ApiPropertyOptional({ enum: SPLIT_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(SPLIT_FILTERS)
  split?: DatasetSplitFilter;

  @ApiPropertyOptional({ minimum: 1, maximum: DATASET_PREVIEW_MAX, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DATASET_PREVIEW_MAX)
  limit?: number;
}

export class DatasetExportQueryDto implements DatasetExportQuery {
  @ApiPropertyOptional({ enum: DATASET_EXPORT_FORMATS, default: 'standard' })
  @IsOptional()
  @IsIn(DATASET_EXPORT_FORMATS)
  format?: DatasetExportFormat;

  @ApiPropertyOptional({ enum: SPLIT_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(SPLIT_FILTERS)
  split?: DatasetSplitFilter;
}
