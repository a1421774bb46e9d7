import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** A PostgreSQL cluster of one test file's own (another cluster than TEST_PG_URL's, or a quiet one). */
export interface OwnPostgres {
  /** postgres://…/postgres of the new cluster. */
  readonly url: string;
  /** The server binaries' folder (pg_dump, pg_restore, …). */
  readonly bin: string;
  /** `url` with another database name. */
  databaseUrl(name: string): string;
  stop(): void;
}

const SCRIPT = resolve(__dirname, '../../../../tools/test/postgres.mjs');

/** Starts a throwaway cluster through tools/test/postgres.mjs (~1 s), run as a child process. */
export function startOwnPostgres(): OwnPostgres {
  const started = JSON.parse(execFileSync(process.execPath, [SCRIPT, 'start'], { encoding: 'utf8' })) as {
    url: string;
    dir: string;
    bin: string;
  };
  return {
    url: started.url,
    bin: started.bin,
    databaseUrl(name) {
      const url = new URL(started.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop() {
      execFileSync(process.execPath, [SCRIPT, 'stop', started.dir], { stdio: 'pipe' });
    },
  };
}
