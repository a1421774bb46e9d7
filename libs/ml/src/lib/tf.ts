import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

/**
 * TensorFlow.js for the ml library: one place that loads the core, the gradients and a backend.
 *
 * Gradients: tfjs-core's CommonJS bundle (its `main`) ships no gradient functions; they are
 * `dist/register_all_gradients`, an ES module tree with extension-less imports. The server build
 * (tools/build/build-node.mjs) compiles that tree to CommonJS once, into `dist/node/vendor/tfjs-core/`,
 * which a deployed api, worker or training process loads. Jest (jest.preset.js transforms that
 * folder) loads the original as is; plain Node on the sources (development) compiles it on require
 * with @swc/core, a development dependency.
 */
function registerGradients(): void {
  // dist/node/libs/ml/src/lib/tf.js → dist/node/vendor/…
  const vendored = `${__dirname}/../../../../vendor/tfjs-core/register_all_gradients.js`;
  if (require('node:fs').existsSync(vendored)) {
    require(vendored);
    return;
  }
  try {
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    return;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_REQUIRE_ESM' && !(error instanceof SyntaxError)) throw error;
  }
  const Module = require('node:module') as { _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void> };
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { dirname, sep } = require('node:path') as typeof import('node:path');
  const { transformSync } = require('@swc/core') as { transformSync(code: string, options: object): { code: string } };
  const dist = dirname(require.resolve('@tensorflow/tfjs-core'));
  const main = require.resolve('@tensorflow/tfjs-core');
  const plain = Module._extensions['.js'];
  Module._extensions['.js'] = (module, file) => {
    if (!file.startsWith(dist + sep) || file === main) return plain(module, file);
    const { code } = transformSync(readFileSync(file, 'utf8'), { filename: file, module: { type: 'commonjs' }, jsc: { target: 'es2020' } });
    module._compile(code, file);
  };
  try {
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
  } finally {
    Module._extensions['.js'] = plain;
  }
}

registerGradients();

export { tf };

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/**
 * Picks the backend at run time: tfjs-node (`tensorflow`) when it loads (an optional dependency that
 * installs only where libtensorflow can be downloaded), else wasm (SIMD, one thread under Node), else
 * cpu. `preferred` forces one (tests and the benchmark compare them). Returns the backend that runs.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendName> {
  const order: BackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (name === 'tensorflow') {
      try {
        require('@tensorflow/tfjs-node');
      } catch {
        if (preferred) throw new Error('backend tensorflow: @tensorflow/tfjs-node is not installed here');
        continue;
      }
    }
    if (tf.getBackend() === name) return name;
    if (await tf.setBackend(name)) {
      await tf.ready();
      return name;
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
}

/** The backend in use, e.g. for a health report. */
export const currentBackend = (): string => tf.getBackend();
