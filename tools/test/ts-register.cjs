// Development and test only: lets a plain `node` process (e.g. the training process a Jest test's
// job forks) run the TypeScript sources, compiling each .ts file on require with @swc/core and the
// same settings as tools/build/build-node.mjs (path aliases rewritten to relative requires).
// Production runs the compiled dist/node instead and never loads this file.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '../..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

Module._extensions['.ts'] = (module, file) => {
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    ...swcrc,
    swcrc: false,
    filename: file,
    sourceMaps: 'inline',
    jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
  });
  module._compile(code, file);
};
