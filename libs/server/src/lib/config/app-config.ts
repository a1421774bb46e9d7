import { isPostgresUrl } from '@camel/event-store';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { delimiter, resolve } from 'node:path';

const NODE_ENVS = ['development', 'production', 'test'] as const;
const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
/** TRAINING_WORK_RETENTION: which ended training runs keep DATA_DIR/training/<runId>/ (the model itself is in MODELS_DIR either way). */
export const TRAINING_WORK_RETENTIONS = ['none', 'failed', 'all'] as const;
export type TrainingWorkRetention = (typeof TRAINING_WORK_RETENTIONS)[number];

/** Every setting the processes read, validated once at start. */
class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'QUEUE_PREFIX must be 1–40 letters, digits, - or _' })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  RUN_WORKER_CONCURRENCY?: number;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  RUN_LOCK_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(500)
  @Max(600_000)
  RUN_STALLED_INTERVAL_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  RUN_SWEEP_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  TRAINING_CONCURRENCY?: number;

  @IsOptional()
  @IsInt()
  @Min(128)
  @Max(1_048_576)
  TRAINING_MAX_MEMORY_MB?: number;

  @IsOptional()
  @IsIn(TRAINING_WORK_RETENTIONS)
  TRAINING_WORK_RETENTION?: TrainingWorkRetention;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  PROJECTION_WAIT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  READY_MAX_PROJECTION_LAG?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  LIVE_BUFFER_LIMIT?: number;

  @IsOptional()
  @IsIn(['true', 'false', '1', '0'], { message: 'WEBHOOK_ALLOW_PRIVATE must be true or false' })
  WEBHOOK_ALLOW_PRIVATE?: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  WEBHOOK_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400_000)
  WEBHOOK_RETRY_BASE_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(604_800_000)
  WEBHOOK_RETRY_MAX_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_MAX_ATTEMPTS?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_POLL_MS?: number;

  @IsOptional()
  @IsString()
  CONSOLE_DIR?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters (e.g. `openssl rand -base64 48`)' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_SECRET_FILE?: string;

  @IsOptional()
  @IsString()
  LOG_SIGNING_KEY?: string;

  @IsOptional()
  @IsString()
  LOG_SIGNING_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  LOG_SIGNING_KEY_PREVIOUS?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  ACCESS_TOKEN_TTL?: number;

  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  REFRESH_TOKEN_TTL?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(300)
  REFRESH_REUSE_GRACE?: number;

  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_RATE_LIMIT?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_RATE_LIMIT_IP?: number;

  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsOptional()
  @IsString()
  CONFIGS_DIR?: string;

  @IsOptional()
  @IsString()
  MODELS_DIR?: string;

  @IsOptional()
  @IsString()
  BUILTIN_MODELS_DIR?: string;

  @IsOptional()
  @IsString()
  MODEL_IMPORT_DIRS?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  LOCAL_MODEL_CACHE?: number;
}

export interface AppConfig {
  readonly nodeEnv: (typeof NODE_ENVS)[number];
  readonly port: number;
  readonly workerPort: number;
  readonly host: string;
  readonly dataDir: string;
  /** Set in production; absent on the embedded default. */
  readonly databaseUrl?: string;
  /** The SQLite file used when no DATABASE_URL is set. */
  readonly sqliteFile: string;
  /** Set in production: runs are BullMQ jobs on Redis, driven by the worker; absent = driven in the api. */
  readonly redisUrl?: string;
  readonly queue: {
    /** Prefix of every Redis key (queues, run locks, delta channel): several deployments may share a Redis. */
    readonly prefix: string;
    /** Runs one worker process drives at once (they wait on HTTP, not on the CPU). */
    readonly concurrency: number;
    /** Lock of a job and of a run's pass, renewed while it runs; a dead worker's runs continue after it expires. */
    readonly lockMs: number;
    /** How often workers look for jobs whose worker died (stalled jobs). */
    readonly stalledIntervalMs: number;
    /** How often a worker enqueues every unfinished run the runs read model lists (work lost with Redis). */
    readonly sweepMs: number;
  };
  readonly training: {
    /** Training processes one worker (or the embedded api) runs at once: one per core. */
    readonly concurrency: number;
    /** The V8 heap limit of a training process (--max-old-space-size); past it the run fails with out_of_memory. */
    readonly maxMemoryMb: number;
    /** Work folders of training runs (pairs, checkpoints): DATA_DIR/training/<runId>/. */
    readonly dir: string;
    /** Which ended runs keep their work folder: `none` (default: removed once the run is completed, failed or cancelled), `failed`, `all`. */
    readonly workRetention: TrainingWorkRetention;
  };
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** How long a command waits for projections before answering (read-your-writes). */
  readonly projectionWaitMs: number;
  /** /health/ready fails when a projection is further behind than this many events. */
  readonly readyMaxProjectionLag: number;
  /**
   * Events the gateway holds for one live subscription whose client does not keep up; past it the
   * client is told to resync from its position.
   */
  readonly liveBufferLimit: number;
  /** Webhook delivery (docs/operations.md "Webhooks"). */
  readonly webhooks: {
    /** Receivers on loopback/private/link-local addresses (refused by default: SSRF). */
    readonly allowPrivate: boolean;
    /** Per attempt: no answer within it is a failed attempt. */
    readonly timeoutMs: number;
    /** Delay before the 2nd attempt, doubled each time up to `retryMaxMs`. */
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    /** Attempts per delivery, the first included. */
    readonly maxAttempts: number;
    /** How often due deliveries are looked for (a new delivery is sent at once). */
    readonly pollMs: number;
  };
  /** Built console served by the api, when set (embedded default); absent = api only. */
  readonly consoleDir?: string;
  /** Sample configs imported into a default project at the first start of the embedded default. */
  readonly configsDir: string;
  /** The model registry's files (docs/training.md "Model files"). */
  readonly models: {
    /** Trained and imported models, one folder per model id (MODELS_DIR, default DATA_DIR/models). */
    readonly dir: string;
    /** Built-in models shipped with the product, one folder each (BUILTIN_MODELS_DIR, default ./models). */
    readonly builtinDir: string;
    /** Server folders an import may read from (MODEL_IMPORT_DIRS, separated by the platform's path delimiter); none = imports refused. */
    readonly importDirs: readonly string[];
    /** Loaded models the local provider keeps per process (LOCAL_MODEL_CACHE, least recently used out). */
    readonly cacheSize: number;
  };
  /** Generated keys of the embedded default (mode 0600 files); never used when DATABASE_URL is set. */
  readonly keysDir: string;
  /** HMAC key of signed log checkpoints (LOG_SIGNING_KEY, else LOG_SIGNING_KEY_FILE, else generated under keysDir). */
  readonly logSigningKey?: string;
  readonly logSigningKeyFile?: string;
  /** LOG_SIGNING_KEY_PREVIOUS (comma-separated): earlier log keys, still accepted by verify for events keyed with them. */
  readonly logSigningKeysPrevious: readonly string[];
  readonly auth: {
    /** HS256 key material; absent = JWT_SECRET_FILE, else (embedded only) a key file under keysDir. */
    readonly jwtSecret?: string;
    readonly jwtSecretFile?: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    /** A refresh token presented again within this many seconds of its rotation gets the same successor (two tabs). */
    readonly refreshReuseGraceSeconds: number;
    /** First owner, created at first start when no user exists. */
    readonly adminEmail?: string;
    readonly adminPassword?: string;
    /** Sign-in attempts per minute per account and per client address. */
    readonly loginRateLimit: number;
    readonly loginRateLimitIp: number;
    /** Express `trust proxy` (e.g. `loopback`, `1`, a CIDR list) so client addresses behind nginx are real. */
    readonly trustProxy?: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const INTEGER_KEYS = [
  'PORT',
  'WORKER_PORT',
  'PROJECTION_WAIT_MS',
  'READY_MAX_PROJECTION_LAG',
  'LIVE_BUFFER_LIMIT',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'REFRESH_REUSE_GRACE',
  'LOGIN_RATE_LIMIT',
  'LOGIN_RATE_LIMIT_IP',
  'RUN_WORKER_CONCURRENCY',
  'RUN_LOCK_MS',
  'RUN_STALLED_INTERVAL_MS',
  'RUN_SWEEP_MS',
  'TRAINING_CONCURRENCY',
  'TRAINING_MAX_MEMORY_MB',
  'TRAINING_WORK_RETENTION',
  'LOCAL_MODEL_CACHE',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_RETRY_BASE_MS',
  'WEBHOOK_RETRY_MAX_MS',
  'WEBHOOK_MAX_ATTEMPTS',
  'WEBHOOK_POLL_MS',
] as const;

const SECRET_KEYS = new Set(['JWT_SECRET', 'ADMIN_PASSWORD', 'LOG_SIGNING_KEY', 'LOG_SIGNING_KEY_PREVIOUS']);

/** Validates raw environment variables; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const key of INTEGER_KEYS) {
    if (typeof raw[key] === 'string') {
      const text = raw[key] as string;
      raw[key] = /^\d+$/.test(text) ? Number(text) : text;
    }
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { skipMissingProperties: false });
  const problems = errors.map((error) => {
    const messages = Object.values(error.constraints ?? {});
    // Secrets are named, never echoed.
    const value = SECRET_KEYS.has(error.property) ? '<redacted>' : JSON.stringify(error.value);
    return `${error.property}=${value}: ${messages.join('; ')}`;
  });
  const nodeEnv = vars.NODE_ENV ?? 'development';
  if (nodeEnv === 'production') {
    if (!vars.DATABASE_URL) problems.push('DATABASE_URL is required when NODE_ENV=production (a postgres:// URL)');
    if (!vars.REDIS_URL) problems.push('REDIS_URL is required when NODE_ENV=production (a redis:// URL)');
  }
  if (vars.ADMIN_PASSWORD && !vars.ADMIN_EMAIL) problems.push('ADMIN_EMAIL is required when ADMIN_PASSWORD is set');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(vars.DATA_DIR ?? 'data');
  return {
    nodeEnv,
    port: vars.PORT ?? 3000,
    workerPort: vars.WORKER_PORT ?? 3001,
    host: vars.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: isPostgresUrl(vars.DATABASE_URL) ? vars.DATABASE_URL : undefined,
    sqliteFile: resolve(dataDir, 'camel.sqlite'),
    redisUrl: vars.REDIS_URL,
    queue: {
      prefix: vars.QUEUE_PREFIX ?? 'camel',
      concurrency: vars.RUN_WORKER_CONCURRENCY ?? 100,
      lockMs: vars.RUN_LOCK_MS ?? 30_000,
      stalledIntervalMs: vars.RUN_STALLED_INTERVAL_MS ?? 30_000,
      sweepMs: vars.RUN_SWEEP_MS ?? 60_000,
    },
    training: {
      concurrency: vars.TRAINING_CONCURRENCY ?? 1,
      maxMemoryMb: vars.TRAINING_MAX_MEMORY_MB ?? 4096,
      dir: resolve(dataDir, 'training'),
      workRetention: vars.TRAINING_WORK_RETENTION ?? 'none',
    },
    logLevel: vars.LOG_LEVEL ?? 'log',
    projectionWaitMs: vars.PROJECTION_WAIT_MS ?? 5000,
    readyMaxProjectionLag: vars.READY_MAX_PROJECTION_LAG ?? 1000,
    liveBufferLimit: vars.LIVE_BUFFER_LIMIT ?? 10_000,
    webhooks: {
      allowPrivate: vars.WEBHOOK_ALLOW_PRIVATE === 'true' || vars.WEBHOOK_ALLOW_PRIVATE === '1',
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? 10_000,
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS ?? 10_000,
      retryMaxMs: vars.WEBHOOK_RETRY_MAX_MS ?? 3_600_000,
      maxAttempts: vars.WEBHOOK_MAX_ATTEMPTS ?? 10,
      pollMs: vars.WEBHOOK_POLL_MS ?? 1000,
    },
    consoleDir: vars.CONSOLE_DIR ? resolve(vars.CONSOLE_DIR) : undefined,
    configsDir: resolve(vars.CONFIGS_DIR ?? 'configs'),
    models: {
      dir: resolve(vars.MODELS_DIR ?? resolve(dataDir, 'models')),
      builtinDir: resolve(vars.BUILTIN_MODELS_DIR ?? 'models'),
      importDirs: (vars.MODEL_IMPORT_DIRS ?? '')
        .split(delimiter)
        .map((dir) => dir.trim())
        .filter((dir) => dir !== '')
        .map((dir) => resolve(dir)),
      cacheSize: vars.LOCAL_MODEL_CACHE ?? 2,
    },
    keysDir: resolve(dataDir, 'keys'),
    logSigningKey: vars.LOG_SIGNING_KEY,
    logSigningKeyFile: vars.LOG_SIGNING_KEY_FILE ? resolve(vars.LOG_SIGNING_KEY_FILE) : undefined,
    logSigningKeysPrevious: (vars.LOG_SIGNING_KEY_PREVIOUS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
    auth: {
      jwtSecret: vars.JWT_SECRET,
      jwtSecretFile: vars.JWT_SECRET_FILE ? resolve(vars.JWT_SECRET_FILE) : undefined,
      accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL ?? 900,
      refreshTokenTtlSeconds: vars.REFRESH_TOKEN_TTL ?? 14 * 86_400,
      refreshReuseGraceSeconds: vars.REFRESH_REUSE_GRACE ?? 10,
      adminEmail: vars.ADMIN_EMAIL,
      adminPassword: vars.ADMIN_PASSWORD,
      loginRateLimit: vars.LOGIN_RATE_LIMIT ?? 10,
      loginRateLimitIp: vars.LOGIN_RATE_LIMIT_IP ?? 100,
      trustProxy: vars.TRUST_PROXY,
    },
  };
}

/** For process entry points: validate the environment first, and exit naming what is wrong. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
