import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeProcess } from './node-process';

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
export class ApiProcess extends NodeProcess {
  readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  private port = 0;

  constructor(private readonly options: ApiProcessOptions) {
    super('api', join(options.dist, 'apps/api/src/main.js'), /ready at http:\/\/localhost:(\d+)/);
    this.ownsDataDir = !options.env?.['DATA_DIR'];
    this.dataDir = options.env?.['DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'camel-api-'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the api; the first start picks a free port, later ones reuse it. */
  async start(): Promise<void> {
    const ready = await this.spawnUntilReady({
      ...process.env,
      DATABASE_URL: '',
      REDIS_URL: '',
      PORT: String(this.port),
      HOST: '127.0.0.1',
      DATA_DIR: this.dataDir,
      LOG_LEVEL: 'log',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      // Tests start from an empty log unless they ask for the sample configs.
      CONFIGS_DIR: join(tmpdir(), 'camel-no-sample-configs'),
      ...this.options.env,
    });
    this.port = Number(ready[1]);
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

  async dispose(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
