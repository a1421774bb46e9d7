import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first owner a test api process starts with, unless the env names another. */
export const TEST_ADMIN = { email: 'owner@example.test', password: 'owner-test-password-1' } as const;

export interface ApiProcessOptions {
  /** Output folder of `tools/build/build-node.mjs` (holds apps/api/src/main.js). */
  readonly dist: string;
  /** Extra environment (e.g. DATABASE_URL, CONSOLE_DIR); DATA_DIR here is used, not created. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The built api as a real process, as `npm start` runs it (embedded default unless the env says
 * otherwise): tests kill it (SIGKILL = a crash) and start it again on the same port and data, so
 * open pages and clients keep their URL. Used by the process-level integration tests and the e2e
 * harness.
 */
export class ApiProcess {
  readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  private child: ChildProcess | null = null;
  private output = '';
  private port = 0;

  constructor(private readonly options: ApiProcessOptions) {
    this.ownsDataDir = !options.env?.['DATA_DIR'];
    this.dataDir = options.env?.['DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'camel-api-'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything the process (and its earlier runs) printed. */
  get log(): string {
    return this.output;
  }

  /** Starts the api; the first start picks a free port, later ones reuse it. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(this.options.dist, 'apps/api/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'log',
        ADMIN_EMAIL: TEST_ADMIN.email,
        ADMIN_PASSWORD: TEST_ADMIN.password,
        // Tests start from an empty log unless they ask for the sample configs.
        CONFIGS_DIR: join(tmpdir(), 'camel-no-sample-configs'),
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // Only this run's output counts: an earlier run's "ready" line must not end the wait.
    const from = this.output.length;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`api did not start:\n${this.output.slice(from)}`)), 30_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = /ready at http:\/\/localhost:(\d+)/.exec(this.output.slice(from));
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
        reject(new Error(`api exited with ${code}:\n${this.output.slice(from)}`));
      });
    });
  }

  /** Signs in (as the first owner unless told otherwise) and returns the access token. */
  async signIn(
    email = this.options.env?.['ADMIN_EMAIL'] ?? TEST_ADMIN.email,
    password = this.options.env?.['ADMIN_PASSWORD'] ?? TEST_ADMIN.password,
  ): Promise<string> {
    const response = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
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

  async dispose(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
