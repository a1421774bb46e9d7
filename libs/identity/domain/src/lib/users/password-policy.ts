import { DomainError, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@camel/contracts';
import { COMMON_PASSWORDS_TEXT } from './common-passwords';

let common: ReadonlySet<string> | undefined;
const commonPasswords = (): ReadonlySet<string> => (common ??= new Set(COMMON_PASSWORDS_TEXT.split('\n')));

/** Digits, punctuation and spaces people put around a word to pass a rule. */
const AFFIXES = /^[\d\W_]+|[\d\W_]+$/g;

/** Every step between neighbouring characters is the same +1 or -1 (`123456789012` wraps 9 → 0). */
function sequential(text: string): boolean {
  const step = (a: string, b: string) => {
    if (a === '9' && b === '0') return 1;
    if (a === '0' && b === '9') return -1;
    return b.charCodeAt(0) - a.charCodeAt(0);
  };
  const first = step(text[0], text[1]);
  if (first !== 1 && first !== -1) return false;
  for (let i = 2; i < text.length; i += 1) if (step(text[i - 1], text[i]) !== first) return false;
  return true;
}

/**
 * Why a password of acceptable length is still easy to guess (NIST SP 800-63B 5.1.1.2: values from
 * breach corpuses, repetitive or sequential characters, context-specific words), or undefined.
 * `email` is the account's: a password equal to it or to its local part is refused too.
 */
export function commonPasswordIssue(password: string, email?: string): 'common' | 'repetitive' | 'email' | undefined {
  const lower = password.toLowerCase();
  const base = lower.replace(AFFIXES, '');
  const list = commonPasswords();
  if (list.has(lower) || (base.length >= 4 && list.has(base))) return 'common';
  const repeated = /^(.+?)\1+$/.exec(lower);
  if (repeated && (repeated[1].length <= 4 || list.has(repeated[1]))) return 'repetitive';
  if (sequential(lower)) return 'repetitive';
  if (email !== undefined) {
    const address = email.trim().toLowerCase();
    const local = address.split('@')[0];
    if (lower === address || base === address || lower === local || base === local.replace(AFFIXES, '')) return 'email';
  }
  return undefined;
}

const MESSAGES = {
  common: 'is too common (it is on lists of leaked passwords); choose another',
  repetitive: 'is a repeated or sequential pattern; choose another',
  email: 'must not be your email address',
} as const;

/**
 * Length is the policy (NIST SP 800-63B): no composition rules, no truncation; plus a refusal of
 * common, breached-style and context-specific passwords (`commonPasswordIssue`).
 */
export function checkPasswordPolicy(raw: unknown, field = 'password', email?: string): string {
  if (typeof raw !== 'string') throw DomainError.validation('user.password.required', field, `${field} is required`);
  const length = [...raw].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw DomainError.validation('user.password.too-short', field, `${field} must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw DomainError.validation('user.password.too-long', field, `${field} must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  const issue = commonPasswordIssue(raw, email);
  if (issue) throw DomainError.validation(`user.password.${issue}`, field, `${field} ${MESSAGES[issue]}`);
  return raw;
}
