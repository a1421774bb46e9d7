import 'reflect-metadata';
import { type CommandAccepted, type ConfigSetView } from '@camel/contracts';
import { ConfigInvalidError } from '@camel/configs';
import { GetLatestConfig, readConfigFolder, SaveConfigVersion, writeConfigFolder } from '@camel/configs/server';
import { createCheckpoint, type CheckpointReport, type ProjectionRunner, type VerifyReport } from '@camel/event-store';
import { VerifyEventLog, type VerifyOutcome } from '@camel/identity/server';
import { GetProject } from '@camel/projects/server';
import { ConfigError, EVENT_STORE, loadConfig, logKeySpec, PROJECTION_RUNNER, resolveKey } from '@camel/server';
import type { EventStore } from '@camel/event-store';
import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import { DomainError } from '@camel/contracts';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { missingStoreProblem } from './cli-database';
import { trainCommand } from './cli-train';
import { CliModule } from './cli.module';
import { projectionsTable } from './cli-output';
import { API_PROJECTIONS } from './projections';

const USAGE = `usage: npm run cli -- <command>

  migrate                    apply pending schema migrations (event store, projections)
  projections                how far each read model has applied the log, as a table
  rebuild <name> | --all     drop a projection's tables and replay the log from position 0
  verify [--stream <id>]     check the hash chains; exit code 3 when a link is broken
  verify --checkpoint <file> also compare the log with a signed checkpoint (exit code 3 on any change)
  checkpoint [--out <file>]  sign a checkpoint of the whole log (position, count, cumulative hash,
                             stream heads) with LOG_SIGNING_KEY; keep the file outside the database
  configs export <projectId> <folder>
                             write the project's latest config set as agents.yaml + workflows/*.yaml
  configs import <projectId> <folder> [-m <message>]
                             save the folder's files as the project's next config version (all or
                             nothing; every problem listed with file:line:column; exit code 4)
  train --data <pairs.jsonl> --base <hf folder> --method dpo|sft --out <folder> [--lora-rank 8] [--epochs N] …
                             fine-tune a model folder on a preference file in this process (outside
                             the queue; the same training loop as a queued run), with a progress bar

Uses the same settings as the api (DATABASE_URL, or the SQLite file under DATA_DIR). Read-only
commands (projections, verify, checkpoint, configs export) refuse a database that does not exist
(exit code 2) instead of creating an empty one.`;

/** Thrown before Nest starts when a read-only command finds no database; main prints it, exit code 2. */
class MissingStore extends Error {}

/** Read-only commands look before they open: opening the store would create and migrate an empty one. */
async function requireStore(): Promise<void> {
  const problem = await missingStoreProblem(loadConfig(process.env));
  if (problem) throw new MissingStore(problem);
}

const LAG_CAP = 10_000;

async function projectionsCommand(): Promise<number> {
  await requireStore();
  const text = await withContext({ followLog: false }, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const [status, head, moved] = await Promise.all([
      runnerOf(app).status(),
      store.headPosition(),
      store.db.query<{ name: string; updated_at: string }>('SELECT name, updated_at FROM projection_checkpoints'),
    ]);
    const updatedAt = new Map(moved.map((row) => [row.name, row.updated_at]));
    const rows = status.map((row) => ({ ...row, updatedAt: updatedAt.get(row.name) }));
    return projectionsTable(rows, head, new Date(), LAG_CAP);
  });
  console.log(text);
  return 0;
}

/**
 * Runs a CLI command inside the same Nest contexts as the api, so commands and queries take the one
 * path (buses → handlers → deciders) with every rule the api applies. `followLog`: catch the
 * projections up to the head first (commands decide on read-model facts).
 */
async function withContext<T>(options: { followLog: boolean }, fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  loadConfig(process.env); // a bad setting stops here, with its name, before Nest starts
  const app = await NestFactory.createApplicationContext(CliModule.forCommand(options), { logger: ['error', 'warn'] });
  try {
    if (options.followLog) {
      const store = app.get<EventStore>(EVENT_STORE);
      await app.get<ProjectionRunner>(PROJECTION_RUNNER).waitFor(await store.headPosition(), { timeoutMs: 600_000 });
    }
    return await fn(app);
  } finally {
    await app.close();
  }
}

const runnerOf = (app: INestApplicationContext) => app.get<ProjectionRunner>(PROJECTION_RUNNER);

async function rebuild(projections: ProjectionRunner, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const bar = new SingleBar({
      format: `${name.padEnd(16)} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta}s`,
      hideCursor: true,
      clearOnComplete: false,
    });
    const started = Date.now();
    let barStarted = false;
    const result = await projections.rebuild(name, ({ done, total }) => {
      if (!barStarted) {
        bar.start(total, done, { rate: 0 });
        barStarted = true;
      }
      const seconds = (Date.now() - started) / 1000;
      bar.setTotal(total);
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : 0 });
    });
    bar.stop();
    console.log(`${name}: rebuilt from ${result.done} events in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  }
}

function printVerify(report: VerifyReport): void {
  console.log(`checked ${report.eventsChecked} events in ${report.streamsChecked} streams`);
  console.log(
    report.keyed
      ? `keyed hashes checked with LOG_SIGNING_KEY (${report.unkeyedEvents ?? 0} events from before keyed hashes: chains only)`
      : 'keyed hashes NOT checked: no LOG_SIGNING_KEY (chains only)',
  );
  if (report.ok) {
    console.log('OK: every hash chain is intact');
    return;
  }
  for (const f of report.failures) {
    console.log(
      `BROKEN stream=${f.streamId} version=${f.streamVersion} position=${f.position} reason=${f.reason} ` +
        `expected=${f.expected} actual=${f.actual}`,
    );
  }
}

function printCheckpoint(report: CheckpointReport): void {
  console.log(`checkpoint at position ${report.checkpointPosition}: ${report.eventsChecked} events covered, ${report.eventsAfter} after it`);
  if (report.ok) console.log('OK: the log matches the signed checkpoint');
  for (const f of report.failures) console.log(`CHANGED stream=${f.streamId} version=${f.streamVersion} position=${f.position} reason=${f.reason}: ${f.message}`);
}

/** The checkpoint key comes from outside the database, like the token key (docs/security.md). */
const logKey = () => resolveKey(logKeySpec(loadConfig(process.env))).secret;
/** With the earlier keys (LOG_SIGNING_KEY_PREVIOUS): a checkpoint signed before a rotation still verifies. */
const logKeys = () => [logKey(), ...loadConfig(process.env).logSigningKeysPrevious];

async function checkpointCommand(args: readonly string[]): Promise<number> {
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && !out) {
    console.error('checkpoint: --out needs a file');
    return 2;
  }
  await requireStore();
  const key = logKey();
  const checkpoint = await withContext({ followLog: false }, (app) => createCheckpoint(app.get<EventStore>(EVENT_STORE), key, new Date()));
  const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
  if (out) {
    writeFileSync(resolve(out), text);
    console.error(`checkpoint of ${checkpoint.count} events up to position ${checkpoint.position} written to ${out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

/** Config folder import/export through the same commands and queries as the api (it need not run). */
async function configsCommand([action, projectId, folder, ...rest]: string[]): Promise<number> {
  if ((action !== 'import' && action !== 'export') || !projectId || !folder) {
    console.error('usage: configs export <projectId> <folder> | configs import <projectId> <folder> [-m <message>]');
    return 2;
  }
  if (action === 'export') await requireStore();
  return withContext({ followLog: true }, async (app) => {
    const commands = app.get(CommandBus);
    const queries = app.get(QueryBus);
    try {
      await queries.execute(new GetProject(projectId));
      const latest: ConfigSetView = await queries.execute(new GetLatestConfig(projectId));
      if (action === 'export') {
        writeConfigFolder(resolve(folder), latest.files);
        console.log(`version ${latest.version}: ${Object.keys(latest.files).length} files written to ${resolve(folder)}`);
        return 0;
      }
      const files = readConfigFolder(resolve(folder));
      if (!files) {
        console.error(`${resolve(folder)} has no agents.yaml`);
        return 2;
      }
      const messageAt = rest.indexOf('-m');
      const message = (messageAt >= 0 ? rest[messageAt + 1] : undefined) ?? `import from ${folder}`;
      const saved: CommandAccepted = await commands.execute(new SaveConfigVersion(projectId, latest.version, files, message, 'import'));
      console.log(saved.version === latest.version ? `unchanged: still version ${saved.version}` : `saved version ${saved.version}`);
      return 0;
    } catch (error) {
      if (error instanceof ConfigInvalidError) {
        for (const p of error.problems) console.error(`${p.file}:${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message} [${p.code}]`);
        return 4;
      }
      if (error instanceof DomainError) {
        console.error(`${error.message} [${error.code}]`);
        return 2;
      }
      throw error;
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate':
      // Creating the context applies every migration: the store's, the projections' (tables of a
      // changed version are rebuilt), the credential tables'.
      await withContext({ followLog: false }, async () => undefined);
      console.log('migrations applied');
      return 0;
    case 'projections':
      return projectionsCommand();
    case 'rebuild': {
      const all = API_PROJECTIONS.map((p) => p.name);
      const names = args[0] === '--all' ? all : args.slice(0, 1);
      const unknown = names.filter((n) => !all.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        console.error(`rebuild: name one projection (${all.join(', ')}) or --all`);
        return 2;
      }
      await withContext({ followLog: false }, (app) => rebuild(runnerOf(app), names));
      return 0;
    }
    case 'verify': {
      const streamAt = args.indexOf('--stream');
      const streamId = streamAt >= 0 ? args[streamAt + 1] : undefined;
      if (streamAt >= 0 && !streamId) {
        console.error('verify: --stream needs a stream id');
        return 2;
      }
      const checkpointAt = args.indexOf('--checkpoint');
      const checkpointFile = checkpointAt >= 0 ? args[checkpointAt + 1] : undefined;
      if (checkpointAt >= 0 && !checkpointFile) {
        console.error('verify: --checkpoint needs a file');
        return 2;
      }
      await requireStore();
      const checkpoint: unknown = checkpointFile ? JSON.parse(readFileSync(resolve(checkpointFile), 'utf8')) : undefined;
      if (checkpoint !== undefined) logKeys(); // a missing key stops here, named, before the store opens
      const { reports, checkpoint: sealed } = await withContext({ followLog: false }, (app) =>
        app.get(QueryBus).execute<VerifyEventLog, VerifyOutcome>(new VerifyEventLog({ streamId, checkpoint })),
      );
      const report = reports[0];
      printVerify(report);
      if (sealed) printCheckpoint(sealed);
      return report.ok && (sealed?.ok ?? true) ? 0 : 3;
    }
    case 'checkpoint':
      return checkpointCommand(args);
    case 'configs':
      return configsCommand(args);
    case 'train':
      return trainCommand(args);
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof MissingStore) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
