import { validationErrorBody } from '@camel/contracts';
import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** A UUID route parameter; anything else is a 400 naming the parameter. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException(validationErrorBody([{ field: name, message: `${name} must be a UUID` }])),
  });
