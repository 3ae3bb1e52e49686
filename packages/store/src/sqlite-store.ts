import type {
  ApiKeyRecord,
  BacktestPage,
  BacktestRecord,
  BacktestSummary,
  BacktestSummaryRow,
  ListBacktestsQuery,
  SweepCellRecord,
  SweepRecord,
} from '@hindsight/models';
import {
  ACTIVE_STATUSES,
  type BacktestStatus,
  type BacktestStep,
  createError,
  type ExecutionLogLine,
  isHindsightError,
  isTerminalStatus,
  levelsFrom,
  MAX_DELIVERY_PAGE_SIZE,
  type NewLogLine,
  type NotificationEvent,
  type NotificationSettings,
  type NotificationSettingsBody,
  type NotificationTargets,
  newId,
  nowIso,
  type WebhookDelivery,
  type WebhookRecord,
} from '@hindsight/models';
import Database from 'better-sqlite3';
import { cursorAfter, decodeCursor, isStatSort, type SortField, sortOrder } from './cursor.js';
import {
  checkListLimit,
  checkLogLimit,
  checkPageSize,
  checkProgress,
  instantBound,
  storedLogLines,
} from './inputs.js';
import { SqliteSweeps, SWEEP_SCHEMA } from './sqlite-sweeps.js';
import {
  type CachedSweepCell,
  type CreateBacktestResult,
  type LogQuery,
  MAX_SCAN_PAGE,
  type NewApiKey,
  type NewBacktest,
  type NewSweep,
  type NewWebhook,
  type NewWebhookDelivery,
  type NotificationSettingsRecord,
  type Store,
  type SummaryQuery,
  type SweepCellCounts,
  type SweepPage,
  type SweepTransition,
  type Transition,
} from './store.js';

/** 2: webhook_deliveries.sweep_id (sweep notifications); migrate() brings a 1 up. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS backtests (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  tags TEXT NOT NULL,
  config TEXT NOT NULL,
  strategy TEXT NOT NULL,
  symbols TEXT NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL,
  step TEXT,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  summary TEXT,
  error TEXT,
  fingerprint TEXT NOT NULL,
  idempotency_key TEXT,
  attempts INTEGER NOT NULL,
  log_seq INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS backtests_owner_created ON backtests (owner_id, created_at, id);
CREATE INDEX IF NOT EXISTS backtests_owner_name ON backtests (owner_id, name, id);
CREATE INDEX IF NOT EXISTS backtests_owner_status ON backtests (owner_id, status, id);
CREATE INDEX IF NOT EXISTS backtests_status ON backtests (status, id);
CREATE UNIQUE INDEX IF NOT EXISTS backtests_owner_idempotency_key
  ON backtests (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS backtests_fingerprint ON backtests (fingerprint, status, finished_at);
CREATE TABLE IF NOT EXISTS backtest_logs (
  backtest_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (backtest_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  admin INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  description TEXT,
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  disabled_reason TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS webhooks_owner ON webhooks (owner_id, id);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  event TEXT NOT NULL,
  backtest_id TEXT,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms REAL NOT NULL,
  ok INTEGER NOT NULL,
  sweep_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE TABLE IF NOT EXISTS notification_settings (
  owner_id TEXT PRIMARY KEY,
  email TEXT,
  events TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;

interface BacktestRow {
  id: string;
  owner_id: string;
  name: string;
  tags: string;
  config: string;
  strategy: string;
  symbols: string;
  status: string;
  progress: number;
  step: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
  summary: string | null;
  error: string | null;
  fingerprint: string;
  idempotency_key: string | null;
  attempts: number;
  log_seq: number;
}

interface ApiKeyRow {
  id: string;
  key_hash: string;
  user_id: string;
  tier: string;
  admin: number;
  created_at: string;
}

interface WebhookRow {
  id: string;
  owner_id: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: string;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  message_id: string;
  event: string;
  backtest_id: string | null;
  attempt: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  ok: number;
  sweep_id: string | null;
}

interface SettingsRow {
  owner_id: string;
  email: string | null;
  events: string;
  updated_at: string;
}

function toWebhook(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    url: row.url,
    events: JSON.parse(row.events),
    description: row.description,
    secret: row.secret,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    messageId: row.message_id,
    event: row.event as WebhookDelivery['event'],
    backtestId: row.backtest_id,
    sweepId: row.sweep_id,
    attempt: row.attempt,
    at: row.at,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    ok: row.ok === 1,
  };
}

function toSettings(row: SettingsRow): NotificationSettings {
  return { email: row.email, events: JSON.parse(row.events), updatedAt: row.updated_at };
}

function toRecord(row: BacktestRow): BacktestRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    tags: JSON.parse(row.tags),
    config: JSON.parse(row.config),
    status: row.status as BacktestStatus,
    progress: row.progress,
    step: row.step as BacktestStep | null,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    summary: row.summary === null ? null : JSON.parse(row.summary),
    error: row.error === null ? null : JSON.parse(row.error),
    fingerprint: row.fingerprint,
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    keyHash: row.key_hash,
    userId: row.user_id,
    tier: row.tier as ApiKeyRecord['tier'],
    admin: row.admin === 1,
    createdAt: row.created_at,
  };
}

const SORT_COLUMNS = { createdAt: 'created_at', name: 'name', status: 'status' } as const;

/** The SQL a list sorts by: a column, or a statistic read out of the summary JSON. */
function sortExpression(field: SortField): string {
  return isStatSort(field) ? `json_extract(summary, '$.${field}')` : SORT_COLUMNS[field];
}

/** Errors of the database itself (locked past the timeout, disk, closed) rather than of the call. */
const UNAVAILABLE_CODES =
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;

function translate(error: unknown): unknown {
  if (isHindsightError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const closed =
    error instanceof TypeError && /database connection is not open/.test(error.message);
  if ((typeof code === 'string' && UNAVAILABLE_CODES.test(code)) || closed) {
    // The driver's message stays in the cause, for logs: clients see only the SQLite code.
    const reason = typeof code === 'string' ? code : 'the database is closed';
    return createError('HS_ERR_STORE_UNAVAILABLE', { reason }, { cause: error });
  }
  return error;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Switching a fresh file to WAL upgrades a read lock to a write lock, and SQLite answers such an
 * upgrade with SQLITE_BUSY at once instead of calling the busy handler (waiting could deadlock).
 * Two processes opening one new file together hit this (the two-process test did, rarely), so
 * retry with jitter for as long as a write would wait.
 */
function enterWalMode(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      sleepSync(5 + Math.random() * 20);
    }
  }
}

/**
 * Brings a file of an older schema up to this one; the CREATE statements (IF NOT EXISTS) already
 * added any new table. Version 0 is a new file, which they created whole.
 */
function migrate(db: Database.Database, from: number): void {
  if (from === 1) db.exec('ALTER TABLE webhook_deliveries ADD COLUMN sweep_id TEXT');
}

/** The file was written by a newer Hindsight whose tables this build does not know. */
export class StoreSchemaError extends Error {
  override readonly name = 'StoreSchemaError';
  constructor(
    readonly file: string,
    readonly version: number,
  ) {
    super(`${file} has schema version ${version}; this build knows ${SCHEMA_VERSION} - upgrade it`);
  }
}

export interface SqliteStoreOptions {
  /** How long a write waits for another process's write to finish, in ms (busy_timeout). */
  busyTimeoutMs?: number;
}

/**
 * The embedded Store: one SQLite file in WAL mode, shared safely by the api and any number of
 * worker processes. Readers never wait; a writer waits up to `busyTimeoutMs` for another, and
 * every write that reads first takes the write lock up front (BEGIN IMMEDIATE), so two processes
 * never deadlock upgrading a read lock - the case where SQLite returns SQLITE_BUSY at once
 * instead of waiting.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  readonly #sweeps: SqliteSweeps;

  private constructor(db: Database.Database) {
    this.db = db;
    this.#sweeps = new SqliteSweeps(db, (work) => this.run(work));
  }

  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: busyTimeoutMs });
      enterWalMode(db, busyTimeoutMs);
      // NORMAL in WAL mode syncs at checkpoints, not at every commit (FULL cost ~1 ms a commit
      // here, and a backtest makes about ten). A commit survives the crash of any process; only a
      // power cut or OS crash may roll back the last commits before the next checkpoint - the
      // file itself stays consistent.
      db.pragma('synchronous = NORMAL');
      const opened = db;
      opened
        .transaction(() => {
          const version = opened.pragma('user_version', { simple: true }) as number;
          if (version > SCHEMA_VERSION) throw new StoreSchemaError(file, version);
          opened.exec(SCHEMA);
          opened.exec(SWEEP_SCHEMA);
          migrate(opened, version);
          opened.pragma(`user_version = ${SCHEMA_VERSION}`);
        })
        .immediate();
      return new SqliteStore(opened);
    } catch (error) {
      db?.close();
      throw translate(error);
    }
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(translate(error));
    }
  }

  private getRow(id: string): BacktestRow | undefined {
    return this.statement('SELECT * FROM backtests WHERE id = ?').get(id) as
      | BacktestRow
      | undefined;
  }

  createBacktest(input: NewBacktest): Promise<CreateBacktestResult> {
    return this.run(() =>
      this.db
        .transaction((): CreateBacktestResult => {
          if (input.idempotencyKey !== null) {
            const existing = this.statement(
              'SELECT * FROM backtests WHERE owner_id = ? AND idempotency_key = ?',
            ).get(input.ownerId, input.idempotencyKey) as BacktestRow | undefined;
            if (existing) {
              if (existing.fingerprint !== input.fingerprint) {
                throw createError('HS_ERR_IDEMPOTENCY_MISMATCH', { key: input.idempotencyKey });
              }
              return { record: toRecord(existing), created: false };
            }
          }
          const now = nowIso();
          const row: BacktestRow = {
            id: newId(),
            owner_id: input.ownerId,
            name: input.name,
            tags: JSON.stringify(input.tags),
            config: JSON.stringify(input.config),
            strategy: input.config.strategy.name,
            symbols: JSON.stringify(input.config.symbols),
            status: 'queued',
            progress: 0,
            step: null,
            queued_at: now,
            started_at: null,
            finished_at: null,
            created_at: now,
            updated_at: now,
            summary: null,
            error: null,
            fingerprint: input.fingerprint,
            idempotency_key: input.idempotencyKey,
            attempts: 0,
            log_seq: 0,
          };
          this.statement(
            `INSERT INTO backtests VALUES (@id, @owner_id, @name, @tags, @config, @strategy,
              @symbols, @status, @progress, @step, @queued_at, @started_at, @finished_at,
              @created_at, @updated_at, @summary, @error, @fingerprint, @idempotency_key,
              @attempts, @log_seq)`,
          ).run(row);
          return { record: toRecord(row), created: true };
        })
        .immediate(),
    );
  }

  getBacktest(id: string): Promise<BacktestRecord | null> {
    return this.run(() => {
      const row = this.getRow(id);
      return row ? toRecord(row) : null;
    });
  }

  listBacktests(ownerId: string, query: ListBacktestsQuery): Promise<BacktestPage> {
    return this.run(() => {
      checkListLimit(query.limit);
      const { field, descending } = sortOrder(query.sort);
      const column = sortExpression(field);
      // Statistics may be null; those rows come last in either direction (see isStatSort).
      const nullsLast = isStatSort(field);
      const where = ['owner_id = @ownerId'];
      const params: Record<string, unknown> = { ownerId };
      if (query.status !== undefined) {
        where.push('status = @status');
        params.status = query.status;
      }
      if (query.strategy !== undefined) {
        where.push('strategy = @strategy');
        params.strategy = query.strategy;
      }
      if (query.symbol !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(symbols) WHERE value = @symbol)');
        params.symbol = query.symbol;
      }
      if (query.tag !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(tags) WHERE value = @tag)');
        params.tag = query.tag;
      }
      const from = instantBound('/createdFrom', query.createdFrom);
      if (from !== undefined) {
        where.push('created_at >= @from');
        params.from = from;
      }
      const to = instantBound('/createdTo', query.createdTo);
      if (to !== undefined) {
        where.push('created_at < @to');
        params.to = to;
      }
      const { n: total } = this.statement(
        `SELECT COUNT(*) AS n FROM backtests WHERE ${where.join(' AND ')}`,
      ).get(params) as { n: number };
      if (query.cursor !== undefined) {
        const position = decodeCursor(query.cursor, query.sort);
        const beyond = descending ? '<' : '>';
        params.cursorId = position.id;
        if (position.key === null) {
          where.push(`${column} IS NULL AND id ${beyond} @cursorId`);
        } else {
          params.cursorKey = position.key;
          const after = `(${column}, id) ${beyond} (@cursorKey, @cursorId)`;
          where.push(nullsLast ? `(${after} OR ${column} IS NULL)` : after);
        }
      }
      const direction = descending ? 'DESC' : 'ASC';
      const order = `${nullsLast ? `${column} IS NULL, ` : ''}${column} ${direction}, id ${direction}`;
      const rows = this.statement(
        `SELECT * FROM backtests WHERE ${where.join(' AND ')}
         ORDER BY ${order} LIMIT @limit`,
      ).all({ ...params, limit: query.limit + 1 }) as BacktestRow[];
      const items = rows.slice(0, query.limit).map(toRecord);
      const last = items.at(-1);
      const nextCursor =
        rows.length > query.limit && last !== undefined ? cursorAfter(last, query.sort) : null;
      return { items, nextCursor, total };
    });
  }

  countActive(ownerId: string): Promise<number> {
    return this.run(() => {
      const row = this.statement(
        `SELECT COUNT(*) AS n FROM backtests
         WHERE owner_id = ? AND status IN (SELECT value FROM json_each(?))`,
      ).get(ownerId, JSON.stringify(ACTIVE_STATUSES)) as { n: number };
      return row.n;
    });
  }

  findCompletedByFingerprint(fingerprint: string): Promise<BacktestRecord | null> {
    return this.run(() => {
      const row = this.statement(
        `SELECT * FROM backtests WHERE fingerprint = ? AND status = 'completed'
         ORDER BY finished_at DESC, id DESC LIMIT 1`,
      ).get(fingerprint) as BacktestRow | undefined;
      return row ? toRecord(row) : null;
    });
  }

  setProgress(id: string, progress: number, step: BacktestStep): Promise<boolean> {
    return this.run(() => {
      checkProgress(progress);
      const result = this.statement(
        `UPDATE backtests SET progress = ?, step = ?, updated_at = ?
         WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
      ).run(progress, step, nowIso(), id, JSON.stringify(ACTIVE_STATUSES));
      return result.changes > 0;
    });
  }

  transition(id: string, transition: Transition): Promise<BacktestRecord | null> {
    return this.run(() => {
      const from = transition.from.filter((status) => !isTerminalStatus(status));
      if (from.length === 0) return null;
      const patch = transition.patch ?? {};
      if (patch.progress !== undefined) checkProgress(patch.progress);
      const now = nowIso();
      const sets = ['status = @to', 'updated_at = @now'];
      const params: Record<string, unknown> = {
        id,
        to: transition.to,
        now,
        from: JSON.stringify(from),
      };
      if (transition.to === 'running') sets.push('started_at = @now', 'attempts = attempts + 1');
      if (isTerminalStatus(transition.to)) sets.push('finished_at = @now');
      if (patch.progress !== undefined) {
        sets.push('progress = @progress');
        params.progress = patch.progress;
      }
      if (patch.step !== undefined) {
        sets.push('step = @step');
        params.step = patch.step;
      }
      if (patch.summary !== undefined) {
        sets.push('summary = @summary');
        params.summary = patch.summary === null ? null : JSON.stringify(patch.summary);
      }
      if (patch.error !== undefined) {
        sets.push('error = @error');
        params.error = patch.error === null ? null : JSON.stringify(patch.error);
      }
      // One statement: the status check and the write cannot be split by another process.
      const row = this.statement(
        `UPDATE backtests SET ${sets.join(', ')}
         WHERE id = @id AND status IN (SELECT value FROM json_each(@from))
         RETURNING *`,
      ).get(params) as BacktestRow | undefined;
      return row ? toRecord(row) : null;
    });
  }

  async complete(id: string, summary: BacktestSummary): Promise<boolean> {
    const record = await this.transition(id, {
      from: ACTIVE_STATUSES,
      to: 'completed',
      patch: { progress: 1, summary, error: null },
    });
    return record !== null;
  }

  deleteBacktest(id: string): Promise<boolean> {
    return this.run(() =>
      this.db
        .transaction(() => {
          this.statement('DELETE FROM backtest_logs WHERE backtest_id = ?').run(id);
          return this.statement('DELETE FROM backtests WHERE id = ?').run(id).changes > 0;
        })
        .immediate(),
    );
  }

  appendLogs(id: string, lines: readonly NewLogLine[]): Promise<ExecutionLogLine[]> {
    return this.run(() => {
      // Checked before the transaction: a bad line must not use up seqs.
      const checked = storedLogLines(id, 1, lines);
      return this.db
        .transaction(() => {
          const counter = this.statement(
            'UPDATE backtests SET log_seq = log_seq + ? WHERE id = ? RETURNING log_seq',
          ).get(lines.length, id) as { log_seq: number } | undefined;
          if (!counter) throw createError('HS_ERR_NOT_FOUND', { id });
          const insert = this.statement(
            'INSERT INTO backtest_logs (backtest_id, seq, ts, level, message) VALUES (?, ?, ?, ?, ?)',
          );
          const offset = counter.log_seq - lines.length;
          return checked.map((line) => {
            const stored = { ...line, seq: line.seq + offset };
            insert.run(id, stored.seq, stored.ts, stored.level, stored.message);
            return stored;
          });
        })
        .immediate();
    });
  }

  getLogs(id: string, query: LogQuery): Promise<ExecutionLogLine[]> {
    return this.run(() => {
      checkLogLimit(query.limit);
      const levels = JSON.stringify(levelsFrom(query.minLevel ?? 'debug'));
      const rows = this.statement(
        `SELECT backtest_id AS backtestId, seq, ts, level, message FROM backtest_logs
         WHERE backtest_id = ? AND seq > ? AND level IN (SELECT value FROM json_each(?))
         ORDER BY seq LIMIT ?`,
      ).all(id, query.afterSeq ?? 0, levels, query.limit);
      return rows as ExecutionLogLine[];
    });
  }

  createApiKey(input: NewApiKey): Promise<ApiKeyRecord> {
    return this.run(() => {
      const row: ApiKeyRow = {
        id: newId(),
        key_hash: input.keyHash,
        user_id: input.userId,
        tier: input.tier,
        admin: input.admin ? 1 : 0,
        created_at: nowIso(),
      };
      try {
        this.statement(
          `INSERT INTO api_keys (id, key_hash, user_id, tier, admin, created_at)
           VALUES (@id, @key_hash, @user_id, @tier, @admin, @created_at)`,
        ).run(row);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw createError('HS_ERR_CONFLICT', { reason: 'an API key with this hash exists' });
        }
        throw error;
      }
      return toApiKey(row);
    });
  }

  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.run(() => {
      const row = this.statement('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as
        | ApiKeyRow
        | undefined;
      return row ? toApiKey(row) : null;
    });
  }

  countApiKeys(): Promise<number> {
    return this.run(
      () => (this.statement('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n,
    );
  }

  listSummaries(ownerId: string, query: SummaryQuery = {}): Promise<BacktestSummaryRow[]> {
    return this.run(() => {
      const from = instantBound('/from', query.from);
      const to = instantBound('/to', query.to);
      const rows = this.statement(
        `SELECT id, status, strategy, created_at AS createdAt,
           CASE WHEN status = 'completed' THEN summary ->> '$.returnPct' END AS returnPct
         FROM backtests
         WHERE owner_id = @ownerId
           AND (@from IS NULL OR created_at >= @from) AND (@to IS NULL OR created_at < @to)
         ORDER BY created_at, id`,
      ).all({ ownerId, from: from ?? null, to: to ?? null });
      return rows as BacktestSummaryRow[];
    });
  }

  scanBacktests(
    afterId: string | null,
    limit: number,
    statuses?: readonly BacktestStatus[],
  ): Promise<BacktestRecord[]> {
    return this.run(() => {
      checkPageSize('/limit', limit, MAX_SCAN_PAGE);
      const rows = (
        statuses === undefined
          ? this.statement('SELECT * FROM backtests WHERE id > ? ORDER BY id LIMIT ?').all(
              afterId ?? '',
              limit,
            )
          : this.statement(
              `SELECT * FROM backtests
               WHERE status IN (SELECT value FROM json_each(?)) AND id > ? ORDER BY id LIMIT ?`,
            ).all(JSON.stringify(statuses), afterId ?? '', limit)
      ) as BacktestRow[];
      return rows.map(toRecord);
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.run(() =>
      (this.statement('SELECT * FROM api_keys ORDER BY id').all() as ApiKeyRow[]).map(toApiKey),
    );
  }

  restoreBacktest(record: BacktestRecord, logs: readonly ExecutionLogLine[]): Promise<boolean> {
    return this.run(() =>
      this.db
        .transaction((): boolean => {
          if (this.getRow(record.id)) return false;
          const insertLog = this.statement(
            'INSERT INTO backtest_logs (backtest_id, seq, ts, level, message) VALUES (?, ?, ?, ?, ?)',
          );
          let logSeq = 0;
          for (const line of logs) {
            insertLog.run(record.id, line.seq, line.ts, line.level, line.message);
            logSeq = Math.max(logSeq, line.seq);
          }
          const row: BacktestRow = {
            id: record.id,
            owner_id: record.ownerId,
            name: record.name,
            tags: JSON.stringify(record.tags),
            config: JSON.stringify(record.config),
            strategy: record.config.strategy.name,
            symbols: JSON.stringify(record.config.symbols),
            status: record.status,
            progress: record.progress,
            step: record.step,
            queued_at: record.queuedAt,
            started_at: record.startedAt,
            finished_at: record.finishedAt,
            created_at: record.createdAt,
            updated_at: record.updatedAt,
            summary: record.summary === null ? null : JSON.stringify(record.summary),
            error: record.error === null ? null : JSON.stringify(record.error),
            fingerprint: record.fingerprint,
            idempotency_key: record.idempotencyKey,
            attempts: record.attempts,
            log_seq: logSeq,
          };
          this.statement(
            `INSERT INTO backtests VALUES (@id, @owner_id, @name, @tags, @config, @strategy,
              @symbols, @status, @progress, @step, @queued_at, @started_at, @finished_at,
              @created_at, @updated_at, @summary, @error, @fingerprint, @idempotency_key,
              @attempts, @log_seq)`,
          ).run(row);
          return true;
        })
        .immediate(),
    );
  }

  restoreApiKey(record: ApiKeyRecord): Promise<boolean> {
    return this.run(() => {
      const result = this.statement(
        `INSERT INTO api_keys (id, key_hash, user_id, tier, admin, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).run(
        record.id,
        record.keyHash,
        record.userId,
        record.tier,
        record.admin ? 1 : 0,
        record.createdAt,
      );
      return result.changes > 0;
    });
  }

  createWebhook(input: NewWebhook): Promise<WebhookRecord> {
    return this.run(() => {
      const row: WebhookRow = {
        id: newId(),
        owner_id: input.ownerId,
        url: input.url,
        events: JSON.stringify(input.events),
        description: input.description,
        secret: input.secret,
        enabled: 1,
        disabled_reason: null,
        created_at: nowIso(),
      };
      this.statement(
        `INSERT INTO webhooks VALUES (@id, @owner_id, @url, @events, @description, @secret,
          @enabled, @disabled_reason, @created_at)`,
      ).run(row);
      return toWebhook(row);
    });
  }

  getWebhook(id: string): Promise<WebhookRecord | null> {
    return this.run(() => {
      const row = this.statement('SELECT * FROM webhooks WHERE id = ?').get(id) as
        | WebhookRow
        | undefined;
      return row ? toWebhook(row) : null;
    });
  }

  listWebhooks(ownerId: string): Promise<WebhookRecord[]> {
    return this.run(() =>
      (
        this.statement('SELECT * FROM webhooks WHERE owner_id = ? ORDER BY id').all(
          ownerId,
        ) as WebhookRow[]
      ).map(toWebhook),
    );
  }

  listAllWebhooks(): Promise<WebhookRecord[]> {
    return this.run(() =>
      (this.statement('SELECT * FROM webhooks ORDER BY id').all() as WebhookRow[]).map(toWebhook),
    );
  }

  restoreWebhook(record: WebhookRecord): Promise<boolean> {
    return this.run(() => {
      const row: WebhookRow = {
        id: record.id,
        owner_id: record.ownerId,
        url: record.url,
        events: JSON.stringify(record.events),
        description: record.description,
        secret: record.secret,
        enabled: record.enabled ? 1 : 0,
        disabled_reason: record.disabledReason,
        created_at: record.createdAt,
      };
      return (
        this.statement(
          `INSERT INTO webhooks VALUES (@id, @owner_id, @url, @events, @description, @secret,
            @enabled, @disabled_reason, @created_at) ON CONFLICT DO NOTHING`,
        ).run(row).changes > 0
      );
    });
  }

  deleteWebhook(id: string): Promise<boolean> {
    return this.run(() =>
      this.db
        .transaction(() => {
          this.statement('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(id);
          return this.statement('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
        })
        .immediate(),
    );
  }

  disableWebhook(id: string, reason: string): Promise<boolean> {
    return this.run(
      () =>
        this.statement(
          'UPDATE webhooks SET enabled = 0, disabled_reason = ? WHERE id = ? AND enabled = 1',
        ).run(reason, id).changes > 0,
    );
  }

  recordWebhookDelivery(input: NewWebhookDelivery): Promise<WebhookDelivery> {
    return this.run(() => {
      const row: DeliveryRow = {
        id: newId(),
        webhook_id: input.webhookId,
        message_id: input.messageId,
        event: input.event,
        backtest_id: input.backtestId,
        sweep_id: input.sweepId,
        attempt: input.attempt,
        at: new Date(input.at).toISOString(),
        status_code: input.statusCode,
        error: input.error,
        duration_ms: input.durationMs,
        ok: input.ok ? 1 : 0,
      };
      this.statement(
        `INSERT INTO webhook_deliveries (id, webhook_id, message_id, event, backtest_id, sweep_id,
          attempt, at, status_code, error, duration_ms, ok) VALUES (@id, @webhook_id, @message_id,
          @event, @backtest_id, @sweep_id, @attempt, @at, @status_code, @error, @duration_ms, @ok)`,
      ).run(row);
      return toDelivery(row);
    });
  }

  listWebhookDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.run(() => {
      checkPageSize('/limit', limit, MAX_DELIVERY_PAGE_SIZE);
      const rows = this.statement(
        'SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY at DESC, id DESC LIMIT ?',
      ).all(webhookId, limit) as DeliveryRow[];
      return rows.map(toDelivery);
    });
  }

  getNotificationSettings(ownerId: string): Promise<NotificationSettings | null> {
    return this.run(() => {
      const row = this.statement('SELECT * FROM notification_settings WHERE owner_id = ?').get(
        ownerId,
      ) as SettingsRow | undefined;
      return row ? toSettings(row) : null;
    });
  }

  putNotificationSettings(
    ownerId: string,
    settings: NotificationSettingsBody,
  ): Promise<NotificationSettings> {
    return this.run(() => {
      const row: SettingsRow = {
        owner_id: ownerId,
        email: settings.email,
        events: JSON.stringify(settings.events),
        updated_at: nowIso(),
      };
      this.statement(
        `INSERT INTO notification_settings VALUES (@owner_id, @email, @events, @updated_at)
         ON CONFLICT (owner_id) DO UPDATE SET email = excluded.email, events = excluded.events,
           updated_at = excluded.updated_at`,
      ).run(row);
      return toSettings(row);
    });
  }

  listAllNotificationSettings(): Promise<NotificationSettingsRecord[]> {
    return this.run(() =>
      (
        this.statement(
          'SELECT * FROM notification_settings ORDER BY owner_id',
        ).all() as SettingsRow[]
      ).map((row) => ({ ownerId: row.owner_id, ...toSettings(row), updatedAt: row.updated_at })),
    );
  }

  restoreNotificationSettings(record: NotificationSettingsRecord): Promise<boolean> {
    return this.run(
      () =>
        this.statement(
          `INSERT INTO notification_settings VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        ).run(record.ownerId, record.email, JSON.stringify(record.events), record.updatedAt)
          .changes > 0,
    );
  }

  notificationTargets(ownerId: string, event: NotificationEvent): Promise<NotificationTargets> {
    return this.run(() => {
      const hooks = this.statement(
        `SELECT id FROM webhooks WHERE owner_id = ? AND enabled = 1
           AND EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?) ORDER BY id`,
      ).all(ownerId, event) as { id: string }[];
      const mail = this.statement(
        `SELECT email FROM notification_settings WHERE owner_id = ? AND email IS NOT NULL
           AND EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?)`,
      ).get(ownerId, event) as { email: string } | undefined;
      return { webhookIds: hooks.map((hook) => hook.id), email: mail?.email ?? null };
    });
  }

  createSweep(input: NewSweep): Promise<SweepRecord> {
    return this.#sweeps.create(input);
  }

  getSweep(id: string): Promise<SweepRecord | null> {
    return this.#sweeps.get(id);
  }

  listSweeps(ownerId: string, query: { limit: number; cursor?: string }): Promise<SweepPage> {
    return this.#sweeps.list(ownerId, query);
  }

  countActiveSweeps(ownerId: string): Promise<number> {
    return this.#sweeps.countActive(ownerId);
  }

  transitionSweep(id: string, transition: SweepTransition): Promise<SweepRecord | null> {
    return this.#sweeps.transition(id, transition);
  }

  deleteSweep(id: string): Promise<boolean> {
    return this.#sweeps.delete(id);
  }

  putSweepCells(sweepId: string, cells: readonly SweepCellRecord[]): Promise<void> {
    return this.#sweeps.putCells(sweepId, cells);
  }

  listSweepCells(
    sweepId: string,
    query: { afterIndex: number; limit: number },
  ): Promise<SweepCellRecord[]> {
    return this.#sweeps.listCells(sweepId, query);
  }

  countSweepCells(sweepId: string): Promise<SweepCellCounts> {
    return this.#sweeps.countCells(sweepId);
  }

  findCachedSweepCells(
    fingerprints: readonly string[],
    scoring?: string,
  ): Promise<Map<string, CachedSweepCell>> {
    return this.#sweeps.findCached(fingerprints, scoring);
  }

  ping(): Promise<void> {
    return this.run(() => {
      this.statement('SELECT 1').get();
    });
  }

  close(): Promise<void> {
    return this.run(() => {
      if (this.db.open) this.db.close();
    });
  }
}
