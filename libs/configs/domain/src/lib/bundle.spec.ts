import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBundle, toBundle } from './bundle';

const configs = resolve(__dirname, '../../../../../configs');
const files = {
  'agents.yaml': readFileSync(resolve(configs, 'agents.yaml'), 'utf8'),
  'workflows/propose-execute-review.yaml': readFileSync(resolve(configs, 'workflows/propose-execute-review.yaml'), 'utf8'),
};

describe('config bundles', () => {
  it('round-trips a set exactly, files as block literals', () => {
    const bundle = toBundle(3, files);
    expect(bundle).toContain('format: camel-configs/1');
    expect(bundle).toContain('agents.yaml: |');
    expect(parseBundle(bundle)).toEqual({ ok: true, value: files });
  });

  it('names what is wrong with a bundle', () => {
    expect(parseBundle('format: other\nfiles: {}\n')).toMatchObject({ ok: false, problems: [{ path: 'format' }] });
    expect(parseBundle('format: camel-configs/1\n')).toMatchObject({ ok: false, problems: [{ path: 'files' }] });
    expect(parseBundle('format: camel-configs/1\nfiles:\n  agents.yaml: 3\n')).toMatchObject({ ok: false, problems: [{ line: 3, path: 'files.agents.yaml' }] });
    expect(parseBundle('format: camel-configs/1\nfiles:\n  a: x\n  a: y\n')).toMatchObject({ ok: false, problems: [{ code: 'yaml.syntax', line: 4 }] });
  });

  it('keeps CRLF files readable: block literals in the bundle, CRLF again after the import', () => {
    const crlf = { ...files, 'agents.yaml': files['agents.yaml'].replace(/\n/g, '\r\n') };
    const bundle = toBundle(4, crlf);
    expect(bundle).toContain('agents.yaml: |');
    expect(bundle).not.toContain('\\r\\n');
    expect(bundle).toMatch(/^crlf:\n {2}- agents\.yaml$/m);
    expect(parseBundle(bundle)).toEqual({ ok: true, value: crlf });
  });

  it('refuses a bundle nested too deep with one problem, without running out of stack', () => {
    const deep = `format: camel-configs/1\nfiles: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
    expect(parseBundle(deep)).toMatchObject({ ok: false, problems: [{ file: 'bundle.yaml', line: 2, code: 'yaml.syntax' }] });
  });
});
