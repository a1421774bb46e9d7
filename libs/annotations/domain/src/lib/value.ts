import {
  ANNOTATION_FLAGS,
  CORRECTION_MAX_LENGTH,
  DomainError,
  PREFERENCE_CHOICES,
  RATIONALE_MAX_LENGTH,
  type AnnotationFlag,
  type AnnotationValue,
  type PreferenceChoice,
  type RatingScale,
} from '@camel/contracts';

/** What a value is checked against, read by the caller from other read models (label set, logs, queue). */
export interface ValueRules {
  /** Names of the project's label set. */
  readonly labels: readonly string[];
  readonly ratingScale: RatingScale;
  /** Entry ids of the alternatives of the annotated entry's turn (what a preference may name). */
  readonly alternatives: readonly string[];
  /** A pairwise queue item: the preference is required and must name this alternative. */
  readonly pairwiseWith?: string | null;
}

const KEYS = ['rating', 'rationale', 'tags', 'correction', 'preference', 'flags'] as const;

const invalid = (code: string, field: string, message: string) => DomainError.validation(`annotation.${code}`, field, message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(raw: unknown, field: string, max: number): string {
  if (typeof raw !== 'string') throw invalid('text.invalid', field, `${field} must be a string`);
  const value = raw.trim();
  if (value.length === 0) throw invalid('text.empty', field, `${field} must not be empty`);
  if (value.length > max) throw invalid('text.too-long', field, `${field} must be at most ${max} characters (got ${value.length})`);
  return value;
}

function names<T extends string>(raw: unknown, field: string, allowed: readonly string[], what: string): T[] {
  if (!Array.isArray(raw)) throw invalid('list.invalid', field, `${field} must be a list`);
  const seen = new Set<string>();
  raw.forEach((name, index) => {
    if (typeof name !== 'string' || !allowed.includes(name)) {
      throw invalid(`${what}.unknown`, `${field}.${index}`, `${field}.${index}: ${JSON.stringify(name)} is not ${what === 'tag' ? 'in the project’s label set' : `one of ${allowed.join(', ')}`}`);
    }
    if (seen.has(name)) throw invalid(`${what}.duplicate`, `${field}.${index}`, `${field}.${index}: ${name} is listed twice`);
    seen.add(name);
  });
  return [...seen] as T[];
}

/**
 * Checks and normalizes one annotation value (trimmed texts; unknown members refused). Every error
 * names the offending input under `field` (e.g. `value.rating`, `value.tags.2`).
 */
export function validAnnotationValue(raw: unknown, rules: ValueRules, field = 'value'): AnnotationValue {
  if (!isRecord(raw)) throw invalid('value.invalid', field, `${field} must be an object`);
  const unknown = Object.keys(raw).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalid('value.unknown-member', `${field}.${unknown[0]}`, `${field}.${unknown[0]} is not an annotation member (${KEYS.join(', ')})`);
  const present = KEYS.filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (present.length === 0) throw invalid('value.empty', field, `${field} must have at least one of ${KEYS.join(', ')}`);
  const value: { -readonly [K in keyof AnnotationValue]: AnnotationValue[K] } = {};
  if (present.includes('rating')) {
    const rating = raw['rating'];
    const { min, max } = rules.ratingScale;
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < min || rating > max) {
      throw invalid('rating.out-of-scale', `${field}.rating`, `${field}.rating must be an integer from ${min} to ${max}`);
    }
    value.rating = rating;
  }
  if (present.includes('rationale')) value.rationale = text(raw['rationale'], `${field}.rationale`, RATIONALE_MAX_LENGTH);
  if (present.includes('tags')) value.tags = names<string>(raw['tags'], `${field}.tags`, rules.labels, 'tag');
  if (present.includes('correction')) value.correction = text(raw['correction'], `${field}.correction`, CORRECTION_MAX_LENGTH);
  if (present.includes('flags')) value.flags = names<AnnotationFlag>(raw['flags'], `${field}.flags`, ANNOTATION_FLAGS, 'flag');
  if (present.includes('preference')) {
    const preference = raw['preference'];
    const at = `${field}.preference`;
    if (!isRecord(preference)) throw invalid('preference.invalid', at, `${at} must be an object { alternativeEntryId, choice }`);
    const extra = Object.keys(preference).find((key) => key !== 'alternativeEntryId' && key !== 'choice');
    if (extra) throw invalid('preference.unknown-member', `${at}.${extra}`, `${at}.${extra} is not a preference member`);
    // In a pairwise queue the item names the alternative: an answer may leave it out.
    const alternative = preference['alternativeEntryId'] ?? rules.pairwiseWith;
    if (alternative === undefined || alternative === null) {
      throw invalid('preference.alternative-required', `${at}.alternativeEntryId`, `${at}.alternativeEntryId is required: the alternative of the entry’s turn it is compared with`);
    }
    if (typeof alternative !== 'string' || !rules.alternatives.includes(alternative)) {
      throw invalid('preference.not-an-alternative', `${at}.alternativeEntryId`, `${at}.alternativeEntryId must be an alternative of the entry’s turn`);
    }
    if (rules.pairwiseWith && alternative !== rules.pairwiseWith) {
      throw invalid('preference.other-alternative', `${at}.alternativeEntryId`, `${at}.alternativeEntryId must be the item’s alternative ${rules.pairwiseWith}`);
    }
    const choice = preference['choice'];
    if (!PREFERENCE_CHOICES.includes(choice as PreferenceChoice)) {
      throw invalid('preference.choice', `${at}.choice`, `${at}.choice must be one of ${PREFERENCE_CHOICES.join(', ')}`);
    }
    value.preference = { alternativeEntryId: alternative, choice: choice as PreferenceChoice };
  } else if (rules.pairwiseWith) {
    throw invalid('preference.required', `${field}.preference`, `${field}.preference is required in a pairwise queue`);
  }
  return value;
}

/** Same value, member order aside (a revision that changes nothing records nothing). */
export function sameValue(a: AnnotationValue, b: AnnotationValue): boolean {
  const canonical = (v: AnnotationValue) => JSON.stringify(KEYS.map((key) => v[key] ?? null));
  return canonical(a) === canonical(b);
}
