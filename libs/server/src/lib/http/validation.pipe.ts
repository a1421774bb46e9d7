import { validationErrorBody, type FieldError } from '@camel/contracts';
import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Two constraints of one field may share a message (one rule written as two checks): say it once. */
function distinct(fields: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return fields.filter(({ field, message }) => {
    const key = JSON.stringify([field, message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Unknown fields are refused (not silently dropped), and every answer lists the offending fields
 * so a client can show each message next to its input.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(validationErrorBody(distinct(flatten(errors)))),
  });
}
