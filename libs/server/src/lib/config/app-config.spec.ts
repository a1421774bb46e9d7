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

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production', REDIS_URL: 'redis://r' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, 'REDIS_URL'],
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
});
