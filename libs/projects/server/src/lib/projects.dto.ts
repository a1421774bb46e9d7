import {
  PROJECT_DESCRIPTION_MAX_LENGTH,
  PROJECT_NAME_MAX_LENGTH,
  type CreateProjectRequest,
  type ProjectStatus,
  type ProjectView,
  type RenameProjectRequest,
} from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CreateProjectDto implements CreateProjectRequest {
  @ApiProperty({ maxLength: PROJECT_NAME_MAX_LENGTH, example: 'Stock trading bot' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROJECT_NAME_MAX_LENGTH)
  name!: string;

  @ApiPropertyOptional({ maxLength: PROJECT_DESCRIPTION_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(PROJECT_DESCRIPTION_MAX_LENGTH)
  description?: string;
}

export class RenameProjectDto implements RenameProjectRequest {
  @ApiProperty({ maxLength: PROJECT_NAME_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROJECT_NAME_MAX_LENGTH)
  name!: string;
}

export class ListProjectsQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'archived', 'all'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'archived', 'all'])
  status?: ProjectStatus | 'all';
}

export class ProjectViewDto implements ProjectView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['active', 'archived'] }) status!: ProjectStatus;
  @ApiProperty({ description: 'Stream version of the project' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: 'user:1f0c…' }) createdBy!: string;
}
