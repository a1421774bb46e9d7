import type { ConfigProblem } from '@camel/contracts';
import { getMetadataStorage, type ValidationError } from 'class-validator';
import { formatPath, type Segment } from './source-text';
import { locate, type YamlFile } from './yaml-document';

const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isArray', 'isBoolean', 'isObject', 'nestedValidation']);
const NUMBER_CONSTRAINTS = new Set(['isInt', 'isNumber', 'equals']);

/** How a value reads to the person who wrote it. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value === 'number' ? 'the number ' : ''}${String(value)}`;
}

/** The keys a schema class declares (every property carries a decorator). */
function keysOf(target: object | undefined): string[] {
  if (!target) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The declared key a typo most likely meant: close in spelling (at most a third of it wrong). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const scored = known.map((candidate) => ({ candidate, score: distance(key.toLowerCase(), candidate) })).sort((a, b) => a.score - b.score);
  const best = scored[0];
  return best && best.score <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}

function typeMessage(where: string, value: unknown, constraints: [string, string][], property: string): string {
  const names = new Set(constraints.map(([name]) => name));
  if (names.has('isObject')) return `${where} must be a mapping (\`key: value\` lines), not ${describe(value)}`;
  if (names.has('isArray')) return `${where} must be a list (\`- item\` lines), not ${describe(value)}`;
  const numeric = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  if (numeric && [...names].some((name) => NUMBER_CONSTRAINTS.has(name))) {
    const expected = names.has('equals') ? `the number ${Number(value)}` : names.has('isInt') ? 'a whole number' : 'a number';
    return `${where} must be ${expected}, not the string ${JSON.stringify(value)}: remove the quotes`;
  }
  if (names.has('isNumber')) return `${where} must be a number, not ${describe(value)}`;
  const messages = constraints.map(([, message]) => (message.startsWith(property) ? message.slice(property.length).trim() : message));
  return `${where} ${messages.join('; ')}`;
}

/** class-validator's errors as problems, each at the place a person looks: the value, the key, or the parent of a missing key. */
export function schemaProblems(file: YamlFile, errors: readonly ValidationError[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const suggested: string[] = [];
  const walk = (list: readonly ValidationError[], parent: readonly Segment[]) => {
    for (const error of list) {
      const segment: Segment = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
      const path = [...parent, segment];
      const where = formatPath(path);
      const node = locate(file.doc, path);
      const constraints = Object.entries(error.constraints ?? {});
      const add = (offset: number, code: string, message: string) => problems.push(file.source.problem(offset, path, code, message));
      if (constraints.some(([constraint]) => constraint === 'whitelistValidation')) {
        const suggestion = closestKey(error.property, keysOf(error.target));
        if (suggestion) suggested.push(formatPath([...parent, suggestion]));
        add(node.key?.range?.[0] ?? node.nearest, 'config.unknown-key', `unknown key \`${error.property}\`${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`);
        continue;
      }
      if (constraints.length > 0 && error.value === undefined) {
        add(node.nearest, 'config.missing-key', `${where} is required`);
      } else if (constraints.length > 0) {
        // One problem per key: a value of the wrong type reports only that (its range rules, and
        // the rules of what it should have contained, would be noise).
        const typed = constraints.filter(([constraint]) => TYPE_CONSTRAINTS.has(constraint) || constraint === 'equals');
        add(node.value?.range?.[0] ?? node.key?.range?.[0] ?? node.nearest, 'config.invalid-value', typeMessage(where, error.value, typed.length > 0 ? typed : constraints, error.property));
        if (typed.length > 0) continue;
      }
      if (error.children?.length) walk(error.children, path);
    }
  };
  walk(errors, []);
  // `max_turn` said for `max_turns`: the suggestion says it all, "max_turns is required" would repeat it.
  const meant = new Set(suggested);
  return problems.filter((problem) => !(problem.code === 'config.missing-key' && meant.has(problem.path)));
}
