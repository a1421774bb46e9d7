import {
  DATASET_IMPORT_MAX_BYTES,
  DomainError,
  type ChatMessage,
  type ChatRole,
  type DatasetExportFormat,
  type DatasetImportProblem,
  type ImportedPair,
} from '@camel/contracts';

interface PairText {
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
}

/**
 * The prompt as one string (TRL's standard format): a single user message is its content; a longer
 * history is each message as `<role>: <content>`, separated by a blank line.
 */
export function promptText(prompt: readonly ChatMessage[]): string {
  const [only] = prompt;
  if (prompt.length === 1 && only?.role === 'user') return only.content;
  return prompt.map((m) => `${m.role}: ${m.content}`).join('\n\n');
}

const messages = (list: readonly ChatMessage[]) => list.map((m) => ({ role: m.role, content: m.content }));

/** CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const CSV_HEADER = 'prompt,chosen,rejected\r\n';

/** One line of an export, newline included (key order fixed: prompt, chosen, rejected). */
export function exportLine(format: DatasetExportFormat, pair: PairText): string {
  switch (format) {
    case 'standard':
      return `${JSON.stringify({ prompt: promptText(pair.prompt), chosen: pair.chosen, rejected: pair.rejected })}\n`;
    case 'conversational':
      return `${JSON.stringify({
        prompt: messages(pair.prompt),
        chosen: [{ role: 'assistant', content: pair.chosen }],
        rejected: [{ role: 'assistant', content: pair.rejected }],
      })}\n`;
    case 'csv':
      return `${[promptText(pair.prompt), pair.chosen, pair.rejected].map(csvField).join(',')}\r\n`;
  }
}

export const EXPORT_CONTENT_TYPES: Readonly<Record<DatasetExportFormat, string>> = {
  standard: 'application/x-ndjson; charset=utf-8',
  conversational: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/** A refused import: every problem with its line and field (at most the first 100). */
export class DatasetImportInvalidError extends DomainError {
  constructor(readonly problems: readonly DatasetImportProblem[]) {
    const first = problems[0];
    super(
      'validation',
      'dataset.import.invalid',
      `the file has ${problems.length === IMPORT_PROBLEMS_MAX ? `${IMPORT_PROBLEMS_MAX}+` : problems.length} problem${problems.length === 1 ? '' : 's'}` +
        (first ? `; first: line ${first.line} ${first.field}: ${first.message}` : ''),
      'content',
    );
    this.name = 'DatasetImportInvalidError';
  }

  override get body() {
    return { details: { problems: this.problems } };
  }
}

const IMPORT_PROBLEMS_MAX = 100;
const CHAT_ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];
const TEXT_MAX = 200_000;

type Check<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

function text(value: unknown, field: string): Check<string> {
  if (typeof value !== 'string') return { ok: false, field, message: 'must be a string' };
  if (value.length === 0) return { ok: false, field, message: 'must not be empty' };
  if (value.length > TEXT_MAX) return { ok: false, field, message: `must be at most ${TEXT_MAX} characters` };
  return { ok: true, value };
}

function messageList(value: unknown, field: string): Check<ChatMessage[]> {
  if (!Array.isArray(value)) return { ok: false, field, message: 'must be a list of messages' };
  if (value.length === 0) return { ok: false, field, message: 'must not be empty' };
  const out: ChatMessage[] = [];
  for (const [i, item] of value.entries()) {
    const at = `${field}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { ok: false, field: at, message: 'must be an object { role, content }' };
    const extra = Object.keys(item).find((k) => k !== 'role' && k !== 'content');
    if (extra) return { ok: false, field: `${at}.${extra}`, message: 'is not a message field (role, content)' };
    const { role, content } = item as { role?: unknown; content?: unknown };
    if (!CHAT_ROLES.includes(role as ChatRole)) return { ok: false, field: `${at}.role`, message: `must be one of ${CHAT_ROLES.join(', ')}` };
    const checked = text(content, `${at}.content`);
    if (!checked.ok) return checked;
    out.push({ role: role as ChatRole, content: checked.value });
  }
  return { ok: true, value: out };
}

/** A conversational completion: exactly one assistant message. */
function reply(value: unknown, field: string): Check<string> {
  const list = messageList(value, field);
  if (!list.ok) return list;
  const [only] = list.value;
  if (list.value.length !== 1 || only?.role !== 'assistant') return { ok: false, field, message: 'must be exactly one assistant message' };
  return { ok: true, value: only.content };
}

function parseLine(raw: unknown): Check<Omit<ImportedPair, 'split'>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, field: 'line', message: 'must be a JSON object' };
  const record = raw as Record<string, unknown>;
  const extra = Object.keys(record).find((k) => k !== 'prompt' && k !== 'chosen' && k !== 'rejected');
  if (extra) return { ok: false, field: extra, message: 'is not a field of a preference pair (prompt, chosen, rejected)' };
  for (const field of ['prompt', 'chosen', 'rejected']) {
    if (!(field in record)) return { ok: false, field, message: 'is required' };
  }
  const conversational = Array.isArray(record['prompt']);
  const prompt = conversational ? messageList(record['prompt'], 'prompt') : text(record['prompt'], 'prompt');
  if (!prompt.ok) return prompt;
  const chosen = conversational ? reply(record['chosen'], 'chosen') : text(record['chosen'], 'chosen');
  if (!chosen.ok) return chosen;
  const rejected = conversational ? reply(record['rejected'], 'rejected') : text(record['rejected'], 'rejected');
  if (!rejected.ok) return rejected;
  const messagesOfPrompt = typeof prompt.value === 'string' ? [{ role: 'user' as const, content: prompt.value }] : prompt.value;
  return { ok: true, value: { prompt: messagesOfPrompt, chosen: chosen.value, rejected: rejected.value } };
}

/**
 * A preference JSONL file (TRL standard or conversational, per line; blank lines ignored) → its
 * pairs, in file order. Anything wrong refuses the whole file with every problem positioned
 * (1-based line, field), so nothing of an invalid file is stored.
 */
export function parsePreferenceJsonl(content: string): Omit<ImportedPair, 'split'>[] {
  if (Buffer.byteLength(content, 'utf8') > DATASET_IMPORT_MAX_BYTES) {
    throw DomainError.validation('dataset.import.too-large', 'content', `the file must be at most ${DATASET_IMPORT_MAX_BYTES / (1024 * 1024)} MB`);
  }
  const pairs: Omit<ImportedPair, 'split'>[] = [];
  const problems: DatasetImportProblem[] = [];
  const lines = content.split('\n');
  for (const [i, rawLine] of lines.entries()) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      problems.push({ line: i + 1, field: 'line', message: `not valid JSON: ${(error as Error).message.slice(0, 120)}` });
      if (problems.length >= IMPORT_PROBLEMS_MAX) break;
      continue;
    }
    const parsed = parseLine(raw);
    if (parsed.ok) pairs.push(parsed.value);
    else problems.push({ line: i + 1, field: parsed.field, message: parsed.message });
    if (problems.length >= IMPORT_PROBLEMS_MAX) break;
  }
  if (problems.length > 0) throw new DatasetImportInvalidError(problems);
  if (pairs.length === 0) throw DomainError.validation('dataset.import.empty', 'content', 'the file has no pairs');
  return pairs;
}
