/**
 * How a provider guards its calls: timeouts, retries, the circuit breaker and the concurrency cap.
 * One set applies to every provider of a process (environment variables `LLM_*`, docs/providers.md);
 * the registry can override it per provider id.
 */
export interface ProviderSettings {
  /** Per attempt: from sending the request to the response headers. */
  readonly requestTimeoutMs: number;
  /** Per attempt: the longest silence allowed between two chunks of a streamed answer. */
  readonly idleTimeoutMs: number;
  /** HTTP attempts per call, the first included (1 = never retry). */
  readonly maxAttempts: number;
  /** First backoff step; each retry doubles it (full jitter: a random delay up to the step). */
  readonly retryBaseDelayMs: number;
  /** Cap of a backoff step and of an honoured Retry-After; a longer Retry-After ends the call. */
  readonly retryMaxDelayMs: number;
  /** Failure rate (percent of attempts in the window) above which the breaker opens. */
  readonly breakerErrorPercent: number;
  /** Attempts in the window before the failure rate can open the breaker. */
  readonly breakerVolumeThreshold: number;
  /** The rolling window the failure rate is measured over. */
  readonly breakerWindowMs: number;
  /** How long the breaker stays open before one probe call is let through (half-open). */
  readonly breakerResetMs: number;
  /** Calls in flight at once per provider; further calls wait in line. */
  readonly maxConcurrency: number;
  /** The longest a call waits in line for a slot before it fails with `overloaded`. */
  readonly queueTimeoutMs: number;
}

export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  maxAttempts: 4,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  breakerErrorPercent: 50,
  breakerVolumeThreshold: 5,
  breakerWindowMs: 30_000,
  breakerResetMs: 15_000,
  maxConcurrency: 32,
  queueTimeoutMs: 60_000,
};

interface SettingSpec {
  readonly env: string;
  readonly min: number;
  readonly max: number;
}

const SPECS: Readonly<Record<keyof ProviderSettings, SettingSpec>> = {
  requestTimeoutMs: { env: 'LLM_REQUEST_TIMEOUT_MS', min: 1, max: 3_600_000 },
  idleTimeoutMs: { env: 'LLM_IDLE_TIMEOUT_MS', min: 1, max: 3_600_000 },
  maxAttempts: { env: 'LLM_MAX_ATTEMPTS', min: 1, max: 20 },
  retryBaseDelayMs: { env: 'LLM_RETRY_BASE_DELAY_MS', min: 0, max: 600_000 },
  retryMaxDelayMs: { env: 'LLM_RETRY_MAX_DELAY_MS', min: 0, max: 3_600_000 },
  breakerErrorPercent: { env: 'LLM_BREAKER_ERROR_PERCENT', min: 1, max: 100 },
  breakerVolumeThreshold: { env: 'LLM_BREAKER_VOLUME_THRESHOLD', min: 1, max: 100_000 },
  breakerWindowMs: { env: 'LLM_BREAKER_WINDOW_MS', min: 100, max: 3_600_000 },
  breakerResetMs: { env: 'LLM_BREAKER_RESET_MS', min: 1, max: 3_600_000 },
  maxConcurrency: { env: 'LLM_MAX_CONCURRENCY', min: 1, max: 100_000 },
  queueTimeoutMs: { env: 'LLM_QUEUE_TIMEOUT_MS', min: 0, max: 3_600_000 },
};

/** The environment variable of each setting, for docs and error messages. */
export const PROVIDER_SETTING_ENV: Readonly<Record<keyof ProviderSettings, string>> = Object.fromEntries(
  Object.entries(SPECS).map(([key, spec]) => [key, spec.env]),
) as Record<keyof ProviderSettings, string>;

/**
 * Reads the `LLM_*` variables over the defaults. A variable that is set but is not an integer in its
 * range stops the process with a message naming it, like the rest of the configuration.
 */
export function providerSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): ProviderSettings {
  const settings: Record<string, number> = { ...DEFAULT_PROVIDER_SETTINGS };
  for (const [key, spec] of Object.entries(SPECS)) {
    const raw = env[spec.env]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
      throw new Error(`${spec.env} must be an integer from ${spec.min} to ${spec.max}, got "${raw}"`);
    }
    settings[key] = value;
  }
  return settings as unknown as ProviderSettings;
}
