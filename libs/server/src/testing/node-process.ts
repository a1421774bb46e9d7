import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A built entry point (`dist/…/main.js`) as a real child process: started with an environment,
 * ready when its output matches a line, killed like a crash (SIGKILL) or stopped (SIGTERM), and
 * started again. Everything it printed, over all its runs, is in `log`.
 */
export class NodeProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly name: string,
    private readonly entry: string,
    private readonly ready: RegExp,
  ) {}

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves with the match of its ready line (rejects if it exits first). */
  protected spawnUntilReady(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const child = spawn(process.execPath, [this.entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // Only this run's output counts: an earlier run's ready line must not end the wait.
    const from = this.output.length;
    return new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start:\n${this.output.slice(from)}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = this.ready.exec(this.output.slice(from));
        if (match && child.exitCode === null) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code}:\n${this.output.slice(from)}`));
      });
    });
  }

  /** SIGKILL (default): a crash, nothing flushed. SIGTERM: a graceful stop. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
