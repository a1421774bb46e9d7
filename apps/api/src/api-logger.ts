import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's start-up chatter (a line per module and per route): debug, not the start log. */
const DEBUG_CONTEXTS: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Colour only on a terminal, and never with NO_COLOR (https://no-color.org): a log file gets no escape codes. */
export const colorsWanted = (stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean => stream.isTTY === true && !env['NO_COLOR'];

/**
 * The api's logger: Nest's console logger at the configured levels, without colour codes when the
 * output is not a terminal, and with module and route mapping at debug level so the start log
 * says what matters (where the api listens, where the events are, the first owner).
 */
export class ApiLogger extends ConsoleLogger {
  constructor(levels: LogLevel[], colors = colorsWanted(process.stdout, process.env)) {
    super({ logLevels: levels, colors });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && DEBUG_CONTEXTS.has(context)) {
      super.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }
}
