import { CONFIG_BUNDLE_FORMAT, CONFIG_FILE_MAX_BYTES, CONFIG_MAX_FILES, type ConfigFiles, type ConfigProblem } from '@camel/contracts';
import { isMap, isScalar, stringify } from 'yaml';
import type { ParseResult } from './parse-config';
import { SourceText } from './source-text';
import { readYaml } from './yaml-document';

const BUNDLE_FILE = 'bundle.yaml';
const BUNDLE_MAX_BYTES = CONFIG_FILE_MAX_BYTES * 8;

/** Every line break is CRLF: such a file travels as LF text (a block literal) and is listed under `crlf`. */
const allCrlf = (text: string): boolean => text.includes('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(text);

/**
 * The whole set as one YAML document, files as block literals (readable and diffable). A block
 * literal cannot hold a carriage return, so a CRLF file would become one escaped line: it is
 * written with LF and named in `crlf`, which the import turns back into CRLF.
 */
export function toBundle(version: number, files: ConfigFiles): string {
  const paths = Object.keys(files).sort();
  const crlf = paths.filter((path) => allCrlf(files[path]));
  const sorted = Object.fromEntries(paths.map((path) => [path, crlf.includes(path) ? files[path].replace(/\r\n/g, '\n') : files[path]]));
  return stringify({ format: CONFIG_BUNDLE_FORMAT, version, ...(crlf.length > 0 ? { crlf } : {}), files: sorted }, { blockQuote: 'literal', lineWidth: 0 });
}

/** Reads a bundle back into files; the files themselves are validated by the save, as a whole. */
export function parseBundle(text: string): ParseResult<ConfigFiles> {
  const source = new SourceText(BUNDLE_FILE, text);
  const fail = (offset: number, path: string, code: string, message: string): { ok: false; problems: ConfigProblem[] } => ({
    ok: false,
    problems: [source.problem(offset, path ? [path] : [], code, message)],
  });
  const read = readYaml(source, BUNDLE_MAX_BYTES);
  // The bundle is the envelope: its own YAML mistakes are syntax problems of the import, one at a time.
  if (!read.ok) return { ok: false, problems: [{ ...read.problems[0], code: read.problems[0].code.startsWith('yaml.') ? 'yaml.syntax' : read.problems[0].code }] };
  const root = read.file.doc.contents;
  if (!isMap(root)) return fail(0, '', 'config.invalid-value', 'a bundle is a mapping with format, version and files');
  const format: unknown = root.get('format');
  if (format !== CONFIG_BUNDLE_FORMAT) return fail(0, 'format', 'config.invalid-value', `format must be ${CONFIG_BUNDLE_FORMAT}`);
  const filesNode = root.get('files', true);
  if (!isMap(filesNode)) return fail(0, 'files', 'config.missing-key', 'files must be a mapping of path to YAML text');
  if (filesNode.items.length > CONFIG_MAX_FILES) return fail(0, 'files', 'config.too-many-files', `at most ${CONFIG_MAX_FILES} files`);
  const files: Record<string, string> = {};
  for (const pair of filesNode.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') {
      const key = pair.key as { range?: [number]; value?: unknown };
      return { ok: false, problems: [{ ...source.problem(key.range?.[0] ?? 0, [], 'config.invalid-value', 'each file is a path with its YAML text'), path: `files.${String(key.value)}` }] };
    }
    files[String(pair.key.value)] = pair.value.value;
  }
  const crlf: unknown = (read.file.value as Record<string, unknown>)['crlf'];
  if (crlf !== undefined && !(Array.isArray(crlf) && crlf.every((path) => typeof path === 'string'))) {
    return fail(0, 'crlf', 'config.invalid-value', 'crlf must be a list of file paths');
  }
  for (const path of (crlf as string[] | undefined) ?? []) if (path in files) files[path] = files[path].replace(/\r?\n/g, '\r\n');
  return { ok: true, value: files };
}
