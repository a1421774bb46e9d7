import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The built api + console as `npm start` runs them on the embedded default (SQLite file in a fresh
 * DATA_DIR, console served by the api), as a real process that tests can kill and start again on
 * the same port and data.
 */
export class AppProcess {
  private child: ChildProcess | null = null;
  private output = '';
  private port = 0;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'camel-e2e-'));

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Starts the api; the first start picks a free port, later ones reuse it (pages keep their URL). */
  async start(): Promise<void> {
    const dist = process.env['E2E_DIST'];
    const consoleDir = process.env['E2E_CONSOLE_DIR'];
    if (!dist || !consoleDir) throw new Error('E2E_DIST / E2E_CONSOLE_DIR are set by tools/test/e2e-setup.js');
    const child = spawn(process.execPath, [join(dist, 'apps/api/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        CONSOLE_DIR: consoleDir,
        LOG_LEVEL: 'log',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`api did not start:\n${this.output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = /ready at http:\/\/localhost:(\d+)/.exec(this.output.slice(-2000));
        if (match && child.exitCode === null) {
          clearTimeout(timer);
          this.port = Number(match[1]);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`api exited with ${code}:\n${this.output}`));
      });
    });
    this.output += '\n';
  }

  /** SIGKILL: a crash, nothing flushed. */
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

  async dispose(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
