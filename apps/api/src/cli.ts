import 'reflect-metadata';
import { foldStream, systemClock, uuidv7 } from '@camel/kernel';
import { executeCommand, openEventStore, ProjectionRunner, type EventStore, type VerifyReport } from '@camel/event-store';
import { ConfigError, loadConfig, SYSTEM_ACTOR } from '@camel/server';
import { CONFIG_STREAM_TYPE, configStreamId, projectStreamId } from '@camel/contracts';
import { ConfigInvalidError, configSetDecider, type ConfigState } from '@camel/configs';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { readConfigFolder, writeConfigFolder } from '@camel/configs/server';
import { SingleBar } from 'cli-progress';
import { CredentialStore } from '@camel/identity/server';
import { API_PROJECTIONS } from './projections';

const USAGE = `usage: npm run cli -- <command>

  migrate                    apply pending schema migrations (event store, projections)
  projections                list projections with checkpoint, state and lag
  rebuild <name> | --all     drop a projection's tables and replay the log from position 0
  verify [--stream <id>]     check the hash chains; exit code 3 when a link is broken
  configs export <projectId> <folder>
                             write the project's latest config set as agents.yaml + workflows/*.yaml
  configs import <projectId> <folder> [-m <message>]
                             save the folder's files as the project's next config version (all or
                             nothing; every problem listed with file:line:column; exit code 4)

Uses the same settings as the api (DATABASE_URL, or the SQLite file under DATA_DIR).`;

async function withStore<T>(fn: (store: EventStore) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const store = await openEventStore({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    applicationName: 'camel-cli',
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const runner = (store: EventStore) => new ProjectionRunner(store, API_PROJECTIONS);

async function rebuild(store: EventStore, names: readonly string[]): Promise<void> {
  const projections = runner(store);
  await projections.prepare();
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

/** Config folder import/export, straight on the log (the api need not run). */
async function configsCommand([action, projectId, folder, ...rest]: string[]): Promise<number> {
  if ((action !== 'import' && action !== 'export') || !projectId || !folder) {
    console.error('usage: configs export <projectId> <folder> | configs import <projectId> <folder> [-m <message>]');
    return 2;
  }
  return withStore(async (store) => {
    const project = await store.readStream(projectStreamId(projectId));
    if (project.length === 0) {
      console.error(`project ${projectId} does not exist`);
      return 2;
    }
    const streamId = configStreamId(projectId);
    const state = foldStream(configSetDecider as never, await store.readStream(streamId)) as ConfigState;
    if (action === 'export') {
      const files = state.versions[state.version] ?? {};
      writeConfigFolder(resolve(folder), files);
      console.log(`version ${state.version}: ${Object.keys(files).length} files written to ${resolve(folder)}`);
      return 0;
    }
    const files = readConfigFolder(resolve(folder));
    if (!files) {
      console.error(`${resolve(folder)} has no agents.yaml`);
      return 2;
    }
    const messageAt = rest.indexOf('-m');
    const message = messageAt >= 0 ? rest[messageAt + 1] : `import from ${folder}`;
    try {
      const result = await executeCommand(store, configSetDecider, {
        streamId,
        streamType: CONFIG_STREAM_TYPE,
        command: { type: 'SaveConfigVersion', projectId, baseVersion: state.version, files, message: message ?? '', source: 'import' },
        metadata: { actor: SYSTEM_ACTOR, projectId, correlationId: randomUUID(), causationId: 'cli' },
        clock: systemClock,
        newId: uuidv7,
      });
      console.log(result.events.length === 0 ? `unchanged: still version ${result.version}` : `saved version ${result.version}`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigInvalidError)) throw error;
      for (const p of error.problems) console.error(`${p.file}:${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message} [${p.code}]`);
      return 4;
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate':
      await withStore(async (store) => {
        await runner(store).prepare();
        await new CredentialStore(store.db).migrate();
      });
      console.log('migrations applied');
      return 0;
    case 'projections':
      await withStore(async (store) => {
        const projections = runner(store);
        await projections.prepare();
        console.table(await projections.status());
      });
      return 0;
    case 'rebuild': {
      const all = API_PROJECTIONS.map((p) => p.name);
      const names = args[0] === '--all' ? all : args.slice(0, 1);
      const unknown = names.filter((n) => !all.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        console.error(`rebuild: name one projection (${all.join(', ')}) or --all`);
        return 2;
      }
      await withStore((store) => rebuild(store, names));
      return 0;
    }
    case 'verify': {
      const streamAt = args.indexOf('--stream');
      const streamId = streamAt >= 0 ? args[streamAt + 1] : undefined;
      if (streamAt >= 0 && !streamId) {
        console.error('verify: --stream needs a stream id');
        return 2;
      }
      const report = await withStore((store) => store.verify({ streamId }));
      printVerify(report);
      return report.ok ? 0 : 3;
    }
    case 'configs':
      return configsCommand(args);
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
