import { validationErrorBody } from '@camel/contracts';
import { BadRequestException, ParseIntPipe } from '@nestjs/common';

/** A dataset version route parameter (a positive integer); anything else is a 400 naming it. */
export const versionParam = (name = 'version') =>
  new ParseIntPipe({
    exceptionFactory: () => new BadRequestException(validationErrorBody([{ field: name, message: `${name} must be a positive integer` }])),
  });
