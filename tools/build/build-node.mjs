// Compiles the server-side TypeScript (apps/api, apps/worker, libs) to dist/node with SWC, keeping
// the folder layout and rewriting the @camel/* path aliases to relative requires. SWC keeps the
// decorator metadata NestJS needs (esbuild cannot); type checking is `npm run typecheck`.
import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const defaultOutDir = join(root, 'dist/node');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
// Every server-side lib named by a path alias (the console's libs are bundled by Angular instead).
const libSources = [...new Set(Object.values(compilerOptions.paths).map(([target]) => dirname(target)))].filter(
  (dir) => !dir.startsWith('libs/console/'),
);
const sources = ['apps/api/src', 'apps/worker/src', ...libSources];
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));

const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.d.ts');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testing') yield* walk(path);
    } else if (isSource(path)) yield path;
  }
}

/**
 * tfjs-core's gradients exist only as an ES-module tree with extension-less imports
 * (`dist/register_all_gradients.js`), which plain Node cannot load. Compile that file and everything
 * it imports inside tfjs-core's dist to CommonJS once, into `<outDir>/vendor/tfjs-core/`
 * (libs/ml/src/lib/tf.ts loads it from there; Jest compiles the originals itself).
 */
export async function buildTfGradients(outDir) {
  const dist = join(root, 'node_modules/@tensorflow/tfjs-core/dist');
  const target = join(outDir, 'vendor/tfjs-core');
  const resolveImport = (from, spec) => {
    const base = resolve(dirname(from), spec);
    for (const candidate of [`${base}.js`, base, join(base, 'index.js')]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // the next candidate
      }
    }
    throw new Error(`${relative(root, from)}: cannot resolve ${spec}`);
  };
  const seen = new Set();
  const queue = [join(dist, 'register_all_gradients.js')];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const { code } = await transformFile(file, { swcrc: false, module: { type: 'commonjs' }, jsc: { target: 'es2020', parser: { syntax: 'ecmascript' } } });
    const rewritten = code.replace(/require\("(\.{1,2}\/[^"]+)"\)/g, (_, spec) => {
      const found = resolveImport(file, spec);
      queue.push(found);
      let path = relative(dirname(file), found).replace(/\\/g, '/');
      if (!path.startsWith('.')) path = `./${path}`;
      return `require("${path}")`;
    });
    const out = join(target, relative(dist, file));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, rewritten);
  }
  return seen.size;
}

export async function build({ quiet = false, outDir = defaultOutDir } = {}) {
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  let count = 0;
  for (const source of sources) {
    const dir = join(root, source);
    try {
      statSync(dir);
    } catch {
      continue;
    }
    for (const file of walk(dir)) {
      const output = await transformFile(file, {
        ...swcrc,
        swcrc: false,
        jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
        sourceMaps: true,
        sourceFileName: relative(join(outDir, relative(root, dirname(file))), file),
      });
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${output.code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (output.map) writeFileSync(`${target}.map`, output.map);
      count += 1;
    }
  }
  const gradients = await buildTfGradients(outDir);
  if (!quiet) console.log(`built ${count} files (and ${gradients} of tfjs-core's gradients) into ${relative(root, outDir)} in ${Date.now() - started} ms`);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  build(at > 0 ? { outDir: resolve(process.argv[at + 1]) } : {}).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
