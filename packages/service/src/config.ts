import { resolve } from 'node:path';
import { API_KEY_TIERS, type ApiKeyTier } from '@hindsight/models';
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';

const REDIS_URL_PATTERN = '^rediss?://\\S+$';
const MONGODB_URL_PATTERN = '^mongodb(\\+srv)?://\\S+$';
/** A BullMQ key prefix: `hindsight`, or `{hindsight}` so Redis Cluster keeps every key in one slot. */
const QUEUE_PREFIX_PATTERN = '^(\\{[A-Za-z0-9_.-]+\\}|[A-Za-z0-9_.-]+)$';
/** A browser origin as the Origin header sends it: scheme, host, optional port; no path. */
const ORIGIN_PATTERN = '^https?://[A-Za-z0-9.-]+(:\\d{1,5})?$';

const PUBLIC_URL_PATTERN = '^https?://[^\\s/]+(/\\S*)?$';
const SMTP_URL_PATTERN = '^smtps?://\\S+$';

/** What a pattern means, for the error message; a raw regular expression helps nobody. */
const PATTERN_MEANINGS: Record<string, string> = {
  [REDIS_URL_PATTERN]: 'a redis:// or rediss:// URL',
  [MONGODB_URL_PATTERN]: 'a mongodb:// or mongodb+srv:// URL',
  [QUEUE_PREFIX_PATTERN]: 'letters, digits, _ . - (optionally wrapped in {} for Redis Cluster)',
  [ORIGIN_PATTERN]: 'an origin like https://app.example.com or http://localhost:5173 (no path)',
  [PUBLIC_URL_PATTERN]: 'an http:// or https:// URL',
  [SMTP_URL_PATTERN]: 'an smtp:// or smtps:// URL',
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The shortest API key accepted in API_KEYS: 20 characters of a random alphabet cannot be guessed
 * within any rate limit, and keys like `change-me-alice` are refused before they go live.
 */
export const MIN_API_KEY_LENGTH = 20;

export const ApiKeyEntry = Type.Object(
  {
    key: Type.String({ minLength: MIN_API_KEY_LENGTH }),
    userId: Type.String({ minLength: 1 }),
    tier: Type.Enum(API_KEY_TIERS),
    admin: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ApiKeyEntry = Static<typeof ApiKeyEntry>;

function count(defaultValue: number, description: string, maximum = 1_000_000) {
  return Type.Integer({ minimum: 1, maximum, default: defaultValue, description });
}

function port(defaultValue: number, description: string) {
  return Type.Integer({ minimum: 1, maximum: 65_535, default: defaultValue, description });
}

/**
 * Every environment variable Hindsight reads, keyed by its name: the one place the env shape is
 * written. `loadConfig` turns the strings of `process.env` into this shape.
 */
export const ConfigSchema = Type.Object(
  {
    PORT: port(3000, 'HTTP port of the api'),
    HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address the api binds' }),
    REDIS_URL: Type.Optional(
      Type.String({
        pattern: REDIS_URL_PATTERN,
        description: 'Redis for queues and events; unset: `pnpm start` runs a private redis-server',
      }),
    ),
    MONGODB_URL: Type.Optional(
      Type.String({
        pattern: MONGODB_URL_PATTERN,
        description: 'MongoDB store; unset: embedded SQLite at DATA_ROOT/hindsight.sqlite',
      }),
    ),
    DATA_ROOT: Type.String({
      minLength: 1,
      default: './data',
      description: 'SQLite file, market-data cache, result artifacts; absolute once loaded',
    }),
    WORKER_CONCURRENCY: count(2, 'jobs each worker queue runs at once', 256),
    LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info', description: 'pino log level' }),
    API_KEYS: Type.Array(ApiKeyEntry, {
      default: [],
      description: 'comma-separated key:userId:tier[:admin]; tier is free, basic or pro',
    }),
    TASK_RESULT_TTL_DAYS: Type.Number({
      exclusiveMinimum: 0,
      default: 7,
      description: 'default age for `hindsight cleanup` to remove result artifacts',
    }),
    ALPHAVANTAGE_API_KEY: Type.Optional(
      Type.String({ minLength: 1, description: 'enables alphavantage:SYMBOL' }),
    ),
    ALPHAVANTAGE_CALLS_PER_MINUTE: count(5, 'Alpha Vantage request budget', 10_000),
    QUEUE_PREFIX: Type.String({
      pattern: QUEUE_PREFIX_PATTERN,
      default: 'hindsight',
      description: 'prefix of every Redis key; {hindsight} for Redis Cluster',
    }),
    QUOTA_ACTIVE_FREE: count(2, 'queued-or-running backtests per free user'),
    QUOTA_ACTIVE_BASIC: count(10, 'queued-or-running backtests per basic user'),
    QUOTA_ACTIVE_PRO: count(50, 'queued-or-running backtests per pro user'),
    RATE_LIMIT_FREE: count(60, 'requests a minute per free key'),
    RATE_LIMIT_BASIC: count(300, 'requests a minute per basic key'),
    RATE_LIMIT_PRO: count(1200, 'requests a minute per pro key'),
    BAD_KEYS_PER_MINUTE: count(
      10,
      'bad API keys one address may present a minute before it is refused with 429',
    ),
    // Refused at submit (HS_ERR_LIMIT): a run's bars bound its memory and the size of its
    // result files; one 1m run over 1970-2100 (68M bars) took a worker to 7 GB.
    LIMIT_BARS_FREE: count(250_000, 'bars per backtest (all symbols) for free keys', 1e9),
    LIMIT_BARS_BASIC: count(1_000_000, 'bars per backtest (all symbols) for basic keys', 1e9),
    LIMIT_BARS_PRO: count(5_000_000, 'bars per backtest (all symbols) for pro keys', 1e9),
    LIMIT_DISK_MB_FREE: count(200, 'MB of result files per free user', 1e9),
    LIMIT_DISK_MB_BASIC: count(2_000, 'MB of result files per basic user', 1e9),
    LIMIT_DISK_MB_PRO: count(20_000, 'MB of result files per pro user', 1e9),
    LIMIT_SYMBOLS_FREE: count(3, 'symbols per backtest for free keys', 10),
    LIMIT_SYMBOLS_BASIC: count(10, 'symbols per backtest for basic keys', 10),
    LIMIT_SYMBOLS_PRO: count(10, 'symbols per backtest for pro keys', 10),
    SWEEP_COMBOS_FREE: count(500, 'combinations per sweep for free keys', 1e7),
    SWEEP_COMBOS_BASIC: count(10_000, 'combinations per sweep for basic keys', 1e7),
    SWEEP_COMBOS_PRO: count(100_000, 'combinations per sweep for pro keys', 1e7),
    QUOTA_SWEEPS_FREE: count(1, 'queued-or-running sweeps per free user'),
    QUOTA_SWEEPS_BASIC: count(3, 'queued-or-running sweeps per basic user'),
    QUOTA_SWEEPS_PRO: count(10, 'queued-or-running sweeps per pro user'),
    SWEEP_CHUNK_BARS: count(
      2_000_000,
      'bars x combinations per sweep chunk job (about 0.1-1 s of work each)',
      1e10,
    ),
    WS_MAX_CONNECTIONS_PER_USER: count(20, 'open WebSockets per user'),
    CORS_ORIGINS: Type.Array(Type.String({ pattern: ORIGIN_PATTERN }), {
      default: [],
      description: 'comma-separated browser origins allowed to call the api; unset: none',
    }),
    BODY_LIMIT_BYTES: count(65_536, 'largest request body the api accepts', 100 * 1024 * 1024),
    INDICATORS_JOB_MIN_BARS: count(
      200_000,
      'bars of a symbol from which its indicator series are computed by their own job and stored; below, the simulation computes them inline',
      1e9,
    ),
    CHECKPOINT_INTERVAL_MS: Type.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 5_000,
      description:
        'milliseconds between two checkpoints of a running simulation (under DATA_ROOT/checkpoints), so a retry after a lost worker resumes there; 0: never',
    }),
    WORKER_METRICS_PORT: port(9464, 'Prometheus /metrics port of the worker'),
    WORKER_SHUTDOWN_GRACE_SECONDS: count(
      3,
      'how long a stopping worker lets its jobs run before handing them back to the queue',
      3_600,
    ),
    PUBLIC_URL: Type.Optional(
      Type.String({
        pattern: PUBLIC_URL_PATTERN,
        description:
          'the URL users reach the api at, for links in webhooks and e-mails; unset: http://HOST:PORT',
      }),
    ),
    WEBHOOK_ALLOWED_HOSTS: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'comma-separated webhook hosts (names or addresses, as in the URL) exempt from the private-address refusal',
    }),
    WEBHOOK_MAX_ATTEMPTS: count(
      14,
      'attempts of one webhook message before its subscription is disabled',
      50,
    ),
    WEBHOOK_RETRY_DELAY_MS: count(
      10_000,
      'first wait before a failed webhook message is sent again; each later wait doubles',
      3_600_000,
    ),
    SMTP_URL: Type.Optional(
      Type.String({
        pattern: SMTP_URL_PATTERN,
        description: 'SMTP server for e-mail notifications (smtp:// or smtps://); unset: no e-mail',
      }),
    ),
    SMTP_FROM: Type.String({
      minLength: 3,
      default: 'Hindsight <hindsight@localhost>',
      description: 'sender of e-mail notifications',
    }),
    RECONCILE_INTERVAL_SECONDS: count(
      60,
      'how often a worker re-enqueues active backtests whose jobs Redis lost (also at start)',
      86_400,
    ),
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;
export type ConfigName = keyof Config;

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Bad environment variables; the message has one line per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.variable} ${issue.message}`).join('\n'));
  }
}

interface SchemaShape {
  type?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  items?: unknown;
}

/** What a valid value looks like, read off its schema: `an integer in 1..65535`. */
function expectation(schema: SchemaShape): string {
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'integer') return `an integer in ${schema.minimum}..${schema.maximum}`;
  if (schema.type === 'number' && schema.exclusiveMinimum !== undefined) {
    return `a number greater than ${schema.exclusiveMinimum}`;
  }
  if (schema.type === 'number') return 'a number';
  if (schema.pattern) return PATTERN_MEANINGS[schema.pattern] ?? `text matching ${schema.pattern}`;
  return 'a non-empty string';
}

/** The raw text as the type the schema wants, or undefined if it cannot be one. */
function convert(schema: SchemaShape, raw: string): unknown {
  if (schema.type === 'integer') return /^[+-]?\d+$/.test(raw) ? Number(raw) : undefined;
  if (schema.type === 'number') {
    const value = Number(raw);
    return Number.isFinite(value) ? value : undefined;
  }
  return raw;
}

/** `key:userId:tier[:admin]`, comma-separated; each bad entry is one issue. */
function parseApiKeys(raw: string, issues: ConfigIssue[]): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const seen = new Set<string>();
  raw.split(',').forEach((text, index) => {
    const entry = text.trim();
    if (entry === '') return;
    const say = (problem: string) =>
      issues.push({ variable: 'API_KEYS', message: `entry ${index + 1} ${problem}` });
    const parts = entry.split(':');
    const [key = '', userId = '', tier = '', flag] = parts;
    if (parts.length < 3 || parts.length > 4 || key === '' || userId === '') {
      say(`must look like key:userId:tier[:admin], got "${entry}"`);
      return;
    }
    const candidate = { key, userId, tier, admin: flag === 'admin' };
    if (flag !== undefined && flag !== 'admin') {
      say(`has "${flag}" where only "admin" may stand`);
    } else if (!(API_KEY_TIERS as readonly string[]).includes(tier)) {
      say(`has tier "${tier}"; must be one of ${API_KEY_TIERS.join(', ')}`);
    } else if (key.length < MIN_API_KEY_LENGTH) {
      say(
        `has a key of ${key.length} characters; at least ${MIN_API_KEY_LENGTH} are needed (make one with: openssl rand -hex 16)`,
      );
    } else if (seen.has(key)) {
      say('repeats a key given earlier');
    } else if (Value.Check(ApiKeyEntry, candidate)) {
      seen.add(key);
      entries.push(candidate);
    } else {
      say(`is not a valid key entry: "${entry}"`);
    }
  });
  return entries;
}

/** Comma-separated origins; each one that is not an origin is one issue. */
function parseOrigins(raw: string, item: SchemaShape, issues: ConfigIssue[]): string[] {
  const origins: string[] = [];
  for (const text of raw.split(',')) {
    const origin = text.trim();
    if (origin === '') continue;
    if (Value.Check(item as TSchema, origin)) origins.push(origin);
    else {
      issues.push({
        variable: 'CORS_ORIGINS',
        message: `must list ${expectation(item)}, got "${origin}"`,
      });
    }
  }
  return origins;
}

/**
 * Reads and checks every variable of ConfigSchema from `env`. Unset or empty variables take
 * their defaults; DATA_ROOT becomes an absolute path, so every process and thread agrees on it.
 * @throws ConfigError naming every bad variable at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = {};
  const properties = ConfigSchema.properties as Record<string, TSchema & SchemaShape>;
  for (const [name, schema] of Object.entries(properties)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      if (schema.default !== undefined) config[name] = Value.Clone(schema.default);
      continue;
    }
    if (name === 'API_KEYS') {
      config[name] = parseApiKeys(raw, issues);
      continue;
    }
    if (name === 'WEBHOOK_ALLOWED_HOSTS') {
      config[name] = raw
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== '');
      continue;
    }
    if (name === 'CORS_ORIGINS') {
      config[name] = parseOrigins(raw, schema.items as SchemaShape, issues);
      continue;
    }
    const value = convert(schema, raw);
    if (value === undefined || !Value.Check(schema, value)) {
      issues.push({ variable: name, message: `must be ${expectation(schema)}, got "${raw}"` });
      continue;
    }
    config[name] = value;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  config.DATA_ROOT = resolve(config.DATA_ROOT as string);
  return config as Config;
}

/** What one backtest of a tier may ask for; each is refused at submit with HS_ERR_LIMIT. */
export interface TierLimits {
  /** Bars over all symbols of the run. */
  bars: number;
  symbols: number;
  /** Bytes of result files one user may keep. */
  diskBytes: number;
}

export function tierLimits(config: Config, tier: ApiKeyTier): TierLimits {
  const suffix = tier.toUpperCase() as Uppercase<ApiKeyTier>;
  return {
    bars: config[`LIMIT_BARS_${suffix}`],
    symbols: config[`LIMIT_SYMBOLS_${suffix}`],
    diskBytes: config[`LIMIT_DISK_MB_${suffix}`] * 1e6,
  };
}

/** Where links in webhooks and e-mails point: PUBLIC_URL, else the api's own address. */
export function publicUrl(config: Config): string {
  return config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
}

/** How a failed webhook message is retried (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAY_MS). */
export function webhookRetry(config: Config): { attempts: number; delayMs: number } {
  return { attempts: config.WEBHOOK_MAX_ATTEMPTS, delayMs: config.WEBHOOK_RETRY_DELAY_MS };
}

/** What sweeps a tier may run: combinations in one, and how many queued or running at once. */
export function sweepLimits(config: Config, tier: ApiKeyTier): { combos: number; active: number } {
  const suffix = tier.toUpperCase() as Uppercase<ApiKeyTier>;
  return { combos: config[`SWEEP_COMBOS_${suffix}`], active: config[`QUOTA_SWEEPS_${suffix}`] };
}
