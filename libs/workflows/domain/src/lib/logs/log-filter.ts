import { DomainError, LOG_FILTER_FIELDS, LOG_FILTER_TEXT_MAX, TERMINATION_REASONS, TURN_ROLES, type LogFilter, type TerminationReason, type TurnRole } from '@camel/contracts';

/**
 * A logs filter (`LogFilter`: what selects a queue's items and a dataset snapshot's answers) with
 * only known members, each of its type: text up to 500 characters, times that parse, a role and a
 * termination reason that exist, `annotated` a boolean. Refusals name `<field>.<member>`.
 */
export function validLogFilter(raw: unknown, field: string, code: string): LogFilter {
  const bad = (member: string, message: string) => DomainError.validation(code, `${field}.${member}`, `${field}.${member} ${message}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw DomainError.validation(code, field, `${field} must be an object of logs filters`);
  const given = raw as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !(LOG_FILTER_FIELDS as readonly string[]).includes(key));
  if (unknown) throw bad(unknown, `is not a logs filter (${LOG_FILTER_FIELDS.join(', ')})`);
  const filter: Record<string, unknown> = {};
  for (const key of LOG_FILTER_FIELDS) {
    const value = given[key];
    if (value === undefined) continue;
    if (key === 'annotated') {
      if (typeof value !== 'boolean') throw bad(key, 'must be true or false');
    } else if (typeof value !== 'string' || value.trim() === '' || value.length > LOG_FILTER_TEXT_MAX) {
      throw bad(key, `must be a non-empty string of at most ${LOG_FILTER_TEXT_MAX} characters`);
    } else if ((key === 'from' || key === 'to') && Number.isNaN(Date.parse(value))) {
      throw bad(key, 'must be an ISO-8601 time');
    } else if (key === 'role' && !TURN_ROLES.includes(value as TurnRole)) {
      throw bad(key, `must be one of ${TURN_ROLES.join(', ')}`);
    } else if (key === 'reason' && !TERMINATION_REASONS.includes(value as TerminationReason)) {
      throw bad(key, `must be one of ${TERMINATION_REASONS.join(', ')}`);
    }
    filter[key] = value;
  }
  return filter as LogFilter;
}

export interface SearchGroup {
  readonly include: string[];
  readonly exclude: string[];
}

/**
 * The query language people type (PostgreSQL's websearch: words all required, "quoted phrases",
 * `or` between alternatives, `-word` to exclude) as groups of terms; FTS5's own syntax is not for
 * users (a stray quote or `*` is an error there).
 */
export function parseSearch(q: string): SearchGroup[] {
  const groups: SearchGroup[] = [{ include: [], exclude: [] }];
  for (const match of q.matchAll(/(-?)"([^"]*)"|(\S+)/g)) {
    const negated = match[1] === '-' || (match[3]?.startsWith('-') ?? false);
    const raw = match[2] ?? match[3]?.replace(/^-/, '') ?? '';
    if (match[3] !== undefined && match[3].toLowerCase() === 'or') {
      groups.push({ include: [], exclude: [] });
      continue;
    }
    const term = raw.replace(/"/g, '').trim();
    if (term === '') continue;
    const group = groups[groups.length - 1];
    (negated ? group.exclude : group.include).push(term);
  }
  return groups.filter((g) => g.include.length > 0 || g.exclude.length > 0);
}

/** Lower-cased runs of letters and digits: the words both engines' indexes split text into (no stemming). */
const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const containsPhrase = (haystack: readonly string[], phrase: readonly string[]): boolean => {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= haystack.length; i += 1) {
    if (phrase.every((word, j) => haystack[i + j] === word)) return true;
  }
  return false;
};

/**
 * Whether `content` matches the full-text query `q` in memory, word by word (case-insensitive, a
 * quoted phrase as consecutive words): the explorer's language over the words its indexes see,
 * computed the same way on every engine (what a snapshot's `q` uses, so its hash is engine-free).
 */
export function matchesSearch(content: string, q: string): boolean {
  const groups = parseSearch(q);
  // Nothing to look for (only quotes): nothing matches, as in the explorer.
  if (groups.length === 0) return false;
  const text = words(content);
  const has = (term: string) => containsPhrase(text, words(term));
  return groups.some((g) => g.include.every(has) && !g.exclude.some(has));
}
