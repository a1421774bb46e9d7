import { DomainError, type ModelParameters } from '@camel/contracts';

/** Input checks shared by run start, overrides and regeneration: each refusal names its field. */

export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

export function validRecord(raw: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw DomainError.validation('run.input.invalid', field, `${field} must be an object`);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      throw DomainError.validation('run.input.unknown-key', `${field}.${key}`, `${field}.${key} is not allowed (allowed: ${allowed.join(', ')})`);
    }
  }
  return raw;
}

export function validInteger(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw DomainError.validation('run.input.out-of-range', field, `${field} must be an integer from ${min} to ${max}`);
  }
  return raw;
}

export function validNumber(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
    throw DomainError.validation('run.input.out-of-range', field, `${field} must be a number from ${min} to ${max}`);
  }
  return raw;
}

export function validText(raw: unknown, field: string, maxLength: number): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw DomainError.validation('run.input.required', field, `${field} must be a non-empty string`);
  if (raw.length > maxLength) throw DomainError.validation('run.input.too-long', field, `${field} must be at most ${maxLength} characters`);
  return raw;
}

export function optional<T>(raw: unknown, check: (value: unknown) => T): T | undefined {
  return raw === undefined || raw === null ? undefined : check(raw);
}

const PARAMETER_KEYS = ['temperature', 'top_p', 'max_tokens', 'stop', 'seed', 'presence_penalty', 'frequency_penalty'] as const;

/** Sampling parameters in the ranges OpenAI-compatible endpoints accept (agents.yaml uses the same ranges). */
export function validParameters(raw: unknown, field: string): ModelParameters {
  const input = validRecord(raw, field, PARAMETER_KEYS);
  const at = (key: string) => `${field}.${key}`;
  const parameters: { -readonly [K in keyof ModelParameters]: ModelParameters[K] } = {};
  const put = <K extends keyof ModelParameters>(key: K, check: (value: unknown) => ModelParameters[K]) => {
    const value = optional(input[key], check);
    if (value !== undefined) parameters[key] = value;
  };
  put('temperature', (v) => validNumber(v, at('temperature'), 0, 2));
  put('top_p', (v) => validNumber(v, at('top_p'), 0, 1));
  put('max_tokens', (v) => validInteger(v, at('max_tokens'), 1, 1_000_000));
  put('seed', (v) => validInteger(v, at('seed'), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
  put('presence_penalty', (v) => validNumber(v, at('presence_penalty'), -2, 2));
  put('frequency_penalty', (v) => validNumber(v, at('frequency_penalty'), -2, 2));
  put('stop', (v) => {
    if (!Array.isArray(v) || v.length > 8) throw DomainError.validation('run.input.invalid', at('stop'), `${at('stop')} must be a list of at most 8 strings`);
    return v.map((s, i) => validText(s, `${at('stop')}[${i}]`, 200));
  });
  return parameters;
}
