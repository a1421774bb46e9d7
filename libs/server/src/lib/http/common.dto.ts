import type { CommandAccepted } from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes every context's controllers document in the OpenAPI document. */
export class CommandAcceptedDto implements CommandAccepted {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Stream version after the command' }) version!: number;
  @ApiProperty({ description: 'Global position of the last event written (0 if nothing changed)' }) position!: number;
}

export class ApiErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  fields?: { field: string; message: string }[];
  @ApiPropertyOptional() requestId?: string;
}
