// `npm test`: lint, type-check, then every Jest tier (unit, integration). Prints one closing line
// `tests: N passed, M failed` summed over the runners, which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
const bin = (name) => join(root, 'node_modules/.bin', name);
const extraArgs = process.argv.slice(2);

const steps = [];
/** Runs one step; `refuse` names output that fails the step even when the command exits 0. */
function step(name, command, args, { refuse } = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: refuse ? ['inherit', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' });
  let ok = result.status === 0;
  if (refuse) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    process.stdout.write(output);
    if (refuse.test(output)) {
      console.log(`  ${name}: the output matches ${refuse}, which means the check did not run: failed`);
      ok = false;
    }
  }
  steps.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  return ok;
}

let passed = 0;
let failed = 0;

// The programs the integration and e2e tiers start (PostgreSQL, Redis, Chromium): installed when
// missing and possible, or a stop in the first seconds naming the packages (tools/test/services.sh).
if (!step('test services (PostgreSQL, Redis, Chromium)', 'bash', [join(root, 'tools/test/services.sh')])) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

// The module-boundary rule reads Nx's project graph and silently skips itself when there is none
// (a clean clone): compute the graph first, and fail lint if the rule still reports it skipped.
const graphOk = step('project graph (for the module-boundary rule)', bin('nx'), ['show', 'projects'], { refuse: /error/i });
const lintOk = step('lint (eslint + nx module boundaries)', bin('eslint'), ['.'], { refuse: /No cached ProjectGraph/ }) && graphOk;
const typesOk = step('typecheck (server, libs, tools)', bin('tsc'), ['-p', 'tsconfig.check.json', '--noEmit']);
const consoleTypesOk = step('typecheck (console)', bin('tsc'), ['-p', 'apps/console/tsconfig.app.json', '--noEmit']);

const outDir = join(root, 'test-output');
mkdirSync(outDir, { recursive: true });
const report = join(outDir, 'jest-results.json');
rmSync(report, { force: true });
const jestOk = step('jest (unit + integration + e2e in Chromium)', process.execPath, [
  bin('jest'),
  '--json',
  `--outputFile=${report}`,
  ...extraArgs,
]);
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  // A suite that fails to load has no failed tests but must still fail the run.
  failed += results.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} else {
  failed += 1;
}

console.log('\nsummary');
for (const s of steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds} s)`);
for (const [ok, name] of [
  [lintOk, 'lint'],
  [typesOk, 'typecheck'],
  [consoleTypesOk, 'typecheck-console'],
]) {
  if (!ok) failed += 1, console.log(`  (${name} failure counted as a failed check)`);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && jestOk ? 0 : 1);
