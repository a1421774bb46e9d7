import type { ConfigFiles } from '@camel/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = Buffer.from('#=== ');

/**
 * A corpus case: a file of sections, each `#=== <path>` on its own line followed by that file's
 * bytes, replacing the file of `_base.yaml` with the same path (`#=== <path> (absent)` removes it).
 * Bytes are decoded as every way in does (a JSON body, `File.text()`, `readFileSync(…, 'utf8')`):
 * UTF-8 with U+FFFD for what is not UTF-8.
 */
export function readCase(name: string): ConfigFiles {
  const sections = (bytes: Buffer): [string, string | null][] => {
    const found: [string, string | null][] = [];
    let at = bytes.indexOf(MARKER);
    while (at >= 0) {
      const lineEnd = bytes.indexOf(0x0a, at);
      const next = bytes.indexOf(Buffer.concat([Buffer.from('\n'), MARKER]), lineEnd - 1);
      const header = bytes.subarray(at + MARKER.length, lineEnd).toString('utf8').trim();
      const body = bytes.subarray(lineEnd + 1, next < 0 ? bytes.length : next + 1);
      const absent = header.endsWith(' (absent)');
      found.push([absent ? header.slice(0, -' (absent)'.length) : header, absent ? null : new TextDecoder('utf-8', { ignoreBOM: true }).decode(body)]);
      at = next < 0 ? -1 : next + 1;
    }
    return found;
  };
  const files: Record<string, string> = {};
  for (const [path, text] of [...sections(readFileSync(join(__dirname, '_base.yaml'))), ...sections(readFileSync(join(__dirname, `${name}.yaml`)))]) {
    if (text === null) delete files[path];
    else files[path] = text;
  }
  return files;
}
