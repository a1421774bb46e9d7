/**
 * Where providers report retries and breaker changes (Nest's Logger fits). Messages name the
 * provider and the variable a key comes from, never the key.
 */
export interface ProviderLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: ProviderLogger = { log: () => undefined, warn: () => undefined };
