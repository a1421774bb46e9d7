// Minimal on-the-fly TypeScript loader for benchmarks (and other Node scripts run outside Jest/Nx).
// - compiles every required `.ts` file with @swc/core (CommonJS, legacy decorators + metadata,
//   like tsconfig.base.json: experimentalDecorators, emitDecoratorMetadata, useDefineForClassFields=false);
// - resolves the `@camel/*` path aliases of tsconfig.base.json.
// Usage: require('./ts-loader.cjs').register(); then require('some/file.ts').
// No type checking happens here: `npm run typecheck` covers tools/**/*.ts.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '..', '..');
let registered = false;

/** tsconfig.base.json `paths` as [alias, absolute target] pairs (exact aliases only, plus `alias/*`). */
function readAliases() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  const baseUrl = path.resolve(ROOT, tsconfig.compilerOptions.baseUrl ?? '.');
  const exact = new Map();
  const wildcard = [];
  for (const [alias, targets] of Object.entries(tsconfig.compilerOptions.paths ?? {})) {
    const target = path.resolve(baseUrl, targets[0]);
    if (alias.endsWith('/*')) wildcard.push([alias.slice(0, -1), target.slice(0, -1)]);
    else exact.set(alias, target);
  }
  // Longest prefix first.
  wildcard.sort((a, b) => b[0].length - a[0].length);
  return { exact, wildcard };
}

function register() {
  if (registered) return;
  registered = true;
  const { transformSync } = require('@swc/core');
  const { exact, wildcard } = readAliases();

  const swcOptions = (filename) => ({
    filename,
    sourceMaps: 'inline',
    swcrc: false,
    configFile: false,
    module: { type: 'commonjs', ignoreDynamic: true },
    jsc: {
      target: 'es2022',
      keepClassNames: true,
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  });

  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, swcOptions(filename));
    module._compile(code, filename);
  };

  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveWithAliases(request, parent, isMain, options) {
    let mapped = exact.get(request);
    if (!mapped) {
      for (const [prefix, target] of wildcard) {
        if (request.startsWith(prefix)) {
          mapped = target + request.slice(prefix.length);
          break;
        }
      }
    }
    return originalResolve.call(this, mapped ?? request, parent, isMain, options);
  };

  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
}

module.exports = { register, ROOT };
