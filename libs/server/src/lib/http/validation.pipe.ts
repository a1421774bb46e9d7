import { validationErrorBody, type FieldError } from '@camel/contracts';
import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
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
    exceptionFactory: (errors) => new BadRequestException(validationErrorBody(flatten(errors))),
  });
}
