/**
 * libs/ml loads TensorFlow.js when imported: loaded on first use, so a process that never reads a
 * model folder (the CLI) does not pay for it. From the TypeScript sources the repository's loaders
 * (tools/test/ts-register.cjs, tools/bench/ts-loader.cjs) resolve the alias on require and leave
 * `import()` to Node, which does not know it; in a build the compiled `import()` is a relative require.
 */
export async function loadMl(): Promise<typeof import('@camel/ml')> {
  try {
    return require('@camel/ml') as typeof import('@camel/ml');
  } catch {
    return import('@camel/ml');
  }
}
