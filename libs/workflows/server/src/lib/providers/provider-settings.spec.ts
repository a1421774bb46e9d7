import { DEFAULT_PROVIDER_SETTINGS, PROVIDER_SETTING_ENV, providerSettingsFromEnv } from './provider-settings';

describe('providerSettingsFromEnv', () => {
  it('uses the defaults when nothing is set', () => {
    expect(providerSettingsFromEnv({})).toEqual(DEFAULT_PROVIDER_SETTINGS);
  });

  it('reads every LLM_* variable', () => {
    const wanted = {
      requestTimeoutMs: 1_001,
      idleTimeoutMs: 1_002,
      maxAttempts: 3,
      retryBaseDelayMs: 104,
      retryMaxDelayMs: 1_005,
      breakerErrorPercent: 26,
      breakerVolumeThreshold: 7,
      breakerWindowMs: 1_008,
      breakerResetMs: 1_009,
      maxConcurrency: 10,
      queueTimeoutMs: 1_011,
    };
    const env = Object.fromEntries(Object.entries(wanted).map(([key, value]) => [PROVIDER_SETTING_ENV[key as keyof typeof wanted], String(value)]));
    expect(providerSettingsFromEnv(env)).toEqual(wanted);
    expect(Object.values(PROVIDER_SETTING_ENV).every((name) => name.startsWith('LLM_'))).toBe(true);
  });

  it('refuses a value that is not an integer in range, naming the variable', () => {
    expect(() => providerSettingsFromEnv({ LLM_MAX_ATTEMPTS: '0' })).toThrow('LLM_MAX_ATTEMPTS must be an integer from 1 to 20, got "0"');
    expect(() => providerSettingsFromEnv({ LLM_REQUEST_TIMEOUT_MS: '5s' })).toThrow('LLM_REQUEST_TIMEOUT_MS must be an integer');
    expect(providerSettingsFromEnv({ LLM_MAX_CONCURRENCY: ' 4 ', LLM_IDLE_TIMEOUT_MS: '' })).toEqual({ ...DEFAULT_PROVIDER_SETTINGS, maxConcurrency: 4 });
  });
});
