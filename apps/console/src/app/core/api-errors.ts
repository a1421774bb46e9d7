import { ApiError } from '@camel/console-data-access';

/** The offending inputs an `ApiError` names (`body.fields`), by field name; first message wins. */
export function fieldErrors(error: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!(error instanceof ApiError)) return errors;
  for (const { field, message } of error.body.fields ?? []) errors[field] ??= message;
  return errors;
}
