import { ValidateBy, type ValidationOptions } from 'class-validator';

const MAX_KEYS = 1000;

/**
 * An object whose every value is a string (config files by name): a number, null or an object in
 * place of a file's text is refused naming that file, before anything downstream reads it as text.
 */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length <= MAX_KEYS && Object.values(value).every((item) => typeof item === 'string'),
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${args?.property} must be an object of file name → text`;
          if (Object.keys(value).length > MAX_KEYS) return `${args?.property} has more than ${MAX_KEYS} entries`;
          const bad = Object.entries(value).filter(([, item]) => typeof item !== 'string').map(([name]) => name);
          return `${args?.property}: ${bad.map((name) => JSON.stringify(name)).join(', ')} must be text (a string), not ${describe((value as Record<string, unknown>)[bad[0]])}`;
        },
      },
    },
    options,
  );
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
