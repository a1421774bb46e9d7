import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface LlmServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): void;
}

/**
 * The local OpenAI-compatible test server as its own process (its script in the workflows library),
 * so answering hundreds of streams does not share the event loop being measured.
 */
export function startLlmServer(root: string, latencyMs: number): Promise<LlmServerProcess> {
  const script = join(root, 'libs/workflows/server/src/testing/serve-openai-test-server.cjs');
  const child = spawn(process.execPath, [script, '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`test server did not start within 30 s: ${output}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server exited (${code}): ${output}`));
    });
    child.stdout.on('data', (part: Buffer) => {
      output += part.toString('utf8');
      const url = /on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ url, pid: child.pid ?? -1, stop });
    });
  });
}
