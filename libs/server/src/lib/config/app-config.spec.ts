import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite mode under ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', port: 3000, workerPort: 3001, databaseUrl: undefined });
    expect(config.sqliteFile).toMatch(/data\/camel\.sqlite$/);
  });

  it('honours PORT and DATA_DIR', () => {
    const config = loadConfig({ PORT: '4123', DATA_DIR: '/tmp/camel-x' });
    expect(config.port).toBe(4123);
    expect(config.sqliteFile).toBe('/tmp/camel-x/camel.sqlite');
  });

  it('puts models under DATA_DIR/models, built-ins in ./models, no import folders, two cached models by default', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/camel-x' }).models).toEqual({ dir: '/tmp/camel-x/models', builtinDir: expect.stringMatching(/\/models$/), importDirs: [], cacheSize: 2 });
    expect(loadConfig({ MODELS_DIR: '/srv/m', MODEL_IMPORT_DIRS: '/a: /b/c', LOCAL_MODEL_CACHE: '5' }).models).toMatchObject({ dir: '/srv/m', importDirs: ['/a', '/b/c'], cacheSize: 5 });
  });

  it.each([
    [{ LOCAL_MODEL_CACHE: '0' }, 'LOCAL_MODEL_CACHE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production', REDIS_URL: 'redis://r' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, 'REDIS_URL'],
    [{ QUEUE_PREFIX: 'has:colon' }, 'QUEUE_PREFIX'],
    [{ RUN_WORKER_CONCURRENCY: '0' }, 'RUN_WORKER_CONCURRENCY'],
    [{ RUN_LOCK_MS: '10' }, 'RUN_LOCK_MS'],
    [{ RUN_STALLED_INTERVAL_MS: 'often' }, 'RUN_STALLED_INTERVAL_MS'],
    [{ RUN_SWEEP_MS: '1' }, 'RUN_SWEEP_MS'],
    [{ TRAINING_CONCURRENCY: '0' }, 'TRAINING_CONCURRENCY'],
    [{ TRAINING_MAX_MEMORY_MB: '64' }, 'TRAINING_MAX_MEMORY_MB'],
    [{ TRAINING_WORK_RETENTION: 'forever' }, 'TRAINING_WORK_RETENTION'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ WEBHOOK_TIMEOUT_MS: '5' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_MAX_ATTEMPTS: '0' }, 'WEBHOOK_MAX_ATTEMPTS'],
    [{ WEBHOOK_POLL_MS: 'soon' }, 'WEBHOOK_POLL_MS'],
  ])('refuses %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(variable);
    expect((error as ConfigError).problems).toHaveLength(1);
  });

  it('accepts a full production configuration', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db:5432/camel', REDIS_URL: 'redis://redis:6379' });
    expect(config.databaseUrl).toBe('postgres://u@db:5432/camel');
    expect(config.redisUrl).toBe('redis://redis:6379');
  });

  it('has queue settings for workers that wait on HTTP, and honours them', () => {
    expect(loadConfig({}).queue).toEqual({ prefix: 'camel', concurrency: 100, lockMs: 30_000, stalledIntervalMs: 30_000, sweepMs: 60_000 });
    const config = loadConfig({ QUEUE_PREFIX: 'staging', RUN_WORKER_CONCURRENCY: '200', RUN_LOCK_MS: '5000', RUN_STALLED_INTERVAL_MS: '2000', RUN_SWEEP_MS: '10000' });
    expect(config.queue).toEqual({ prefix: 'staging', concurrency: 200, lockMs: 5000, stalledIntervalMs: 2000, sweepMs: 10_000 });
  });

  it('delivers webhooks to public addresses only by default, with bounded retries, and honours the WEBHOOK_* settings', () => {
    expect(loadConfig({}).webhooks).toEqual({ allowPrivate: false, timeoutMs: 10_000, retryBaseMs: 10_000, retryMaxMs: 3_600_000, maxAttempts: 10, pollMs: 1000 });
    const config = loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_POLL_MS: '20' });
    expect(config.webhooks).toEqual({ allowPrivate: true, timeoutMs: 500, retryBaseMs: 50, retryMaxMs: 400, maxAttempts: 3, pollMs: 20 });
    // Every bad variable at once, with the others.
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '1', PORT: 'x' })).toThrow(/WEBHOOK_TIMEOUT_MS[\s\S]*PORT|PORT[\s\S]*WEBHOOK_TIMEOUT_MS/);
  });

  it('runs one training process at a time by default, with a bounded heap, under DATA_DIR/training', () => {
    expect(loadConfig({ DATA_DIR: '/srv/camel' }).training).toEqual({ concurrency: 1, maxMemoryMb: 4096, dir: '/srv/camel/training', workRetention: 'none' });
    expect(loadConfig({ TRAINING_WORK_RETENTION: 'failed' }).training.workRetention).toBe('failed');
    expect(loadConfig({ TRAINING_CONCURRENCY: '2', TRAINING_MAX_MEMORY_MB: '512' }).training).toMatchObject({ concurrency: 2, maxMemoryMb: 512 });
  });
});
