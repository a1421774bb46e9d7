import { CONFIG_BUNDLE_FORMAT, CONFIG_FILE_MAX_BYTES, CONFIG_MAX_FILES, type ConfigFiles, type ConfigProblem } from '@camel/contracts';
import { isMap, isScalar, LineCounter, parseDocument, stringify } from 'yaml';
import type { ParseResult } from './parse-config';

const BUNDLE_FILE = 'bundle.yaml';
const BUNDLE_MAX_BYTES = CONFIG_FILE_MAX_BYTES * 8;

/** The whole set as one YAML document, files as block literals (readable and diffable). */
export function toBundle(version: number, files: ConfigFiles): string {
  const sorted = Object.fromEntries(Object.keys(files).sort().map((path) => [path, files[path]]));
  return stringify({ format: CONFIG_BUNDLE_FORMAT, version, files: sorted }, { blockQuote: 'literal', lineWidth: 0 });
}

/** Reads a bundle back into files; the files themselves are validated by the save, as a whole. */
export function parseBundle(text: string): ParseResult<ConfigFiles> {
  const fail = (line: number, column: number, path: string, code: string, message: string): { ok: false; problems: ConfigProblem[] } => ({
    ok: false,
    problems: [{ file: BUNDLE_FILE, line, column, path, code, message }],
  });
  if (Buffer.byteLength(text, 'utf8') > BUNDLE_MAX_BYTES) return fail(1, 1, '', 'config.too-large', `a bundle is at most ${BUNDLE_MAX_BYTES} bytes`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    const { line, col } = lines.linePos(doc.errors[0].pos[0]);
    return fail(line, col, '', 'yaml.syntax', doc.errors[0].message.split('\n')[0]);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(1, 1, '', 'config.invalid-value', 'a bundle is a mapping with format, version and files');
  const format: unknown = root.get('format');
  if (format !== CONFIG_BUNDLE_FORMAT) return fail(1, 1, 'format', 'config.invalid-value', `format must be ${CONFIG_BUNDLE_FORMAT}`);
  const filesNode = root.get('files', true);
  if (!isMap(filesNode)) return fail(1, 1, 'files', 'config.missing-key', 'files must be a mapping of path to YAML text');
  if (filesNode.items.length > CONFIG_MAX_FILES) return fail(1, 1, 'files', 'config.too-many-files', `at most ${CONFIG_MAX_FILES} files`);
  const files: Record<string, string> = {};
  for (const pair of filesNode.items) {
    const position = lines.linePos((pair.key as { range?: [number] }).range?.[0] ?? 0);
    if (!isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') {
      return fail(position.line, position.col, `files.${String((pair.key as { value?: unknown }).value)}`, 'config.invalid-value', 'each file is a path with its YAML text');
    }
    files[String(pair.key.value)] = pair.value.value;
  }
  return { ok: true, value: files };
}
