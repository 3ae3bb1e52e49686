import type {
  ApiKeyRecord,
  BacktestFailure,
  BacktestPage,
  BacktestRecord,
  BacktestRequest,
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
  type WebhookDelivery,
  type WebhookRecord,
} from '@hindsight/models';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import {
  type CursorPosition,
  cursorAfter,
  decodeCursor,
  isStatSort,
  type SummaryStat,
  sortOrder,
} from './cursor.js';
import {
  checkListLimit,
  checkLogLimit,
  checkPageSize,
  checkProgress,
  instantBound,
  storedLogLines,
} from './inputs.js';
import { MongoSweeps } from './mongo-sweeps.js';
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

interface BacktestDoc {
  _id: string;
  ownerId: string;
  name: string;
  tags: string[];
  config: BacktestRequest;
  strategy: string;
  symbols: string[];
  status: BacktestStatus;
  progress: number;
  step: BacktestStep | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  summary: BacktestSummary | null;
  error: BacktestFailure | null;
  fingerprint: string;
  idempotencyKey: string | null;
  attempts: number;
  logSeq: number;
}

interface LogDoc {
  backtestId: string;
  seq: number;
  ts: Date;
  level: ExecutionLogLine['level'];
  message: string;
}

interface ApiKeyDoc {
  _id: string;
  keyHash: string;
  userId: string;
  tier: ApiKeyRecord['tier'];
  admin: boolean;
  createdAt: Date;
}

// Plain data in, plain data out: the store validates nothing the schemas have not already.
const options = { versionKey: false, minimize: false, strict: 'throw', autoIndex: false } as const;

const backtestSchema = new Schema<BacktestDoc>(
  {
    _id: { type: String },
    ownerId: { type: String },
    name: { type: String },
    tags: { type: [String] },
    config: { type: Schema.Types.Mixed },
    strategy: { type: String },
    symbols: { type: [String] },
    status: { type: String },
    progress: { type: Number },
    step: { type: String, default: null },
    queuedAt: { type: Date },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    createdAt: { type: Date },
    updatedAt: { type: Date },
    summary: { type: Schema.Types.Mixed, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    fingerprint: { type: String },
    idempotencyKey: { type: String, default: null },
    attempts: { type: Number },
    logSeq: { type: Number },
  },
  { ...options, collection: 'backtests' },
);
backtestSchema.index({ ownerId: 1, createdAt: 1, _id: 1 });
backtestSchema.index({ ownerId: 1, name: 1, _id: 1 });
backtestSchema.index({ ownerId: 1, status: 1, _id: 1 });
backtestSchema.index({ status: 1, _id: 1 });
backtestSchema.index(
  { ownerId: 1, idempotencyKey: 1 },
  { unique: true, partialFilterExpression: { idempotencyKey: { $type: 'string' } } },
);
backtestSchema.index({ fingerprint: 1, status: 1, finishedAt: -1 });

const logSchema = new Schema<LogDoc>(
  {
    backtestId: { type: String },
    seq: { type: Number },
    ts: { type: Date },
    level: { type: String },
    message: { type: String },
  },
  { ...options, collection: 'backtest_logs' },
);
logSchema.index({ backtestId: 1, seq: 1 }, { unique: true });

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String },
    keyHash: { type: String },
    userId: { type: String },
    tier: { type: String },
    admin: { type: Boolean },
    createdAt: { type: Date },
  },
  { ...options, collection: 'api_keys' },
);
apiKeySchema.index({ keyHash: 1 }, { unique: true });

interface WebhookDoc {
  _id: string;
  ownerId: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
}

interface DeliveryDoc {
  _id: string;
  webhookId: string;
  messageId: string;
  event: string;
  backtestId: string | null;
  /** Absent on deliveries recorded before sweeps notified. */
  sweepId?: string | null;
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  ok: boolean;
}

interface SettingsDoc {
  _id: string;
  email: string | null;
  events: string[];
  updatedAt: Date;
}

const webhookSchema = new Schema<WebhookDoc>(
  {
    _id: { type: String },
    ownerId: { type: String },
    url: { type: String },
    events: { type: [String] },
    description: { type: String, default: null },
    secret: { type: String },
    enabled: { type: Boolean },
    disabledReason: { type: String, default: null },
    createdAt: { type: Date },
  },
  { ...options, collection: 'webhooks' },
);
webhookSchema.index({ ownerId: 1, _id: 1 });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String },
    webhookId: { type: String },
    messageId: { type: String },
    event: { type: String },
    backtestId: { type: String, default: null },
    sweepId: { type: String, default: null },
    attempt: { type: Number },
    at: { type: Date },
    statusCode: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number },
    ok: { type: Boolean },
  },
  { ...options, collection: 'webhook_deliveries' },
);
deliverySchema.index({ webhookId: 1, at: -1, _id: -1 });

const settingsSchema = new Schema<SettingsDoc>(
  {
    _id: { type: String },
    email: { type: String, default: null },
    events: { type: [String] },
    updatedAt: { type: Date },
  },
  { ...options, collection: 'notification_settings' },
);

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null | undefined): string | null => (date ? iso(date) : null);

function toRecord(doc: BacktestDoc): BacktestRecord {
  return {
    id: doc._id,
    ownerId: doc.ownerId,
    name: doc.name,
    tags: doc.tags,
    config: doc.config,
    status: doc.status,
    progress: doc.progress,
    step: doc.step ?? null,
    queuedAt: iso(doc.queuedAt),
    startedAt: isoOrNull(doc.startedAt),
    finishedAt: isoOrNull(doc.finishedAt),
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    summary: doc.summary ?? null,
    error: doc.error ?? null,
    fingerprint: doc.fingerprint,
    idempotencyKey: doc.idempotencyKey ?? null,
    attempts: doc.attempts,
  };
}

function toApiKey(doc: ApiKeyDoc): ApiKeyRecord {
  return {
    id: doc._id,
    keyHash: doc.keyHash,
    userId: doc.userId,
    tier: doc.tier,
    admin: doc.admin,
    createdAt: iso(doc.createdAt),
  };
}

function toWebhook(doc: WebhookDoc): WebhookRecord {
  return {
    id: doc._id,
    ownerId: doc.ownerId,
    url: doc.url,
    events: doc.events as WebhookRecord['events'],
    description: doc.description ?? null,
    secret: doc.secret,
    enabled: doc.enabled,
    disabledReason: doc.disabledReason ?? null,
    createdAt: iso(doc.createdAt),
  };
}

function toDelivery(doc: DeliveryDoc): WebhookDelivery {
  return {
    id: doc._id,
    webhookId: doc.webhookId,
    messageId: doc.messageId,
    event: doc.event as WebhookDelivery['event'],
    backtestId: doc.backtestId ?? null,
    sweepId: doc.sweepId ?? null,
    attempt: doc.attempt,
    at: iso(doc.at),
    statusCode: doc.statusCode ?? null,
    error: doc.error ?? null,
    durationMs: doc.durationMs,
    ok: doc.ok,
  };
}

function toSettingsRecord(doc: SettingsDoc): NotificationSettingsRecord {
  return {
    ownerId: doc._id,
    email: doc.email ?? null,
    events: doc.events as NotificationSettings['events'],
    updatedAt: iso(doc.updatedAt),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}

const UNAVAILABLE_ERRORS = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoExpiredSessionError',
]);

function translate(error: unknown): unknown {
  if (isHindsightError(error)) return error;
  if (error instanceof Error && UNAVAILABLE_ERRORS.has(error.name)) {
    // The driver's message (hosts, ports) stays in the cause, for logs; clients see its kind.
    return createError('HS_ERR_STORE_UNAVAILABLE', { reason: error.name }, { cause: error });
  }
  return error;
}

/** Values of a sort field as the cursor carries them: dates as ISO text. */
function cursorValue(field: 'createdAt' | 'name' | 'status', key: string): Date | string {
  return field === 'createdAt' ? new Date(key) : key;
}

export interface MongoStoreOptions {
  /** Overrides the database named in the URL (tests use a fresh one each). */
  dbName?: string;
  /** How long to look for a server before failing; default: the URL's, else 5 s. */
  serverSelectionTimeoutMS?: number;
}

/**
 * The Store on MongoDB through mongoose. Every read-modify-write is one atomic document update
 * (findOneAndUpdate with the expected status in its filter), so api and worker processes may
 * write at once; uniqueness (idempotency keys, key hashes, log seqs) rests on unique indexes.
 */
export class MongoStore implements Store {
  private constructor(
    private readonly connection: Connection,
    private readonly backtests: Model<BacktestDoc>,
    private readonly logs: Model<LogDoc>,
    private readonly apiKeys: Model<ApiKeyDoc>,
    private readonly webhooks: Model<WebhookDoc>,
    private readonly deliveries: Model<DeliveryDoc>,
    private readonly settings: Model<SettingsDoc>,
    private readonly sweeps: MongoSweeps,
  ) {}

  static async connect(url: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    // An option object overrides the URL, so the 5 s default applies only if the URL sets none.
    const urlSetsTimeout = /[?&]serverSelectionTimeoutMS=/i.test(url);
    const timeout = options.serverSelectionTimeoutMS ?? (urlSetsTimeout ? undefined : 5_000);
    const connection = mongoose.createConnection(url, {
      ...(timeout === undefined ? {} : { serverSelectionTimeoutMS: timeout }),
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    });
    try {
      await connection.asPromise();
      const backtests = connection.model<BacktestDoc>('Backtest', backtestSchema);
      const logs = connection.model<LogDoc>('BacktestLog', logSchema);
      const apiKeys = connection.model<ApiKeyDoc>('ApiKey', apiKeySchema);
      const webhooks = connection.model<WebhookDoc>('Webhook', webhookSchema);
      const deliveries = connection.model<DeliveryDoc>('WebhookDelivery', deliverySchema);
      const settings = connection.model<SettingsDoc>('NotificationSettings', settingsSchema);
      await Promise.all(
        [backtests, logs, apiKeys, webhooks, deliveries].map((model) => model.createIndexes()),
      );
      const sweeps = await MongoSweeps.open(connection);
      return new MongoStore(
        connection,
        backtests,
        logs,
        apiKeys,
        webhooks,
        deliveries,
        settings,
        sweeps,
      );
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw translate(error);
    }
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  }

  /** Drops the database: for tests, which each use their own. */
  async dropDatabase(): Promise<void> {
    await this.connection.dropDatabase();
  }

  private async existingByKey(input: NewBacktest): Promise<CreateBacktestResult | null> {
    const existing = await this.backtests
      .findOne({ ownerId: input.ownerId, idempotencyKey: input.idempotencyKey })
      .lean<BacktestDoc>()
      .exec();
    if (!existing) return null;
    if (existing.fingerprint !== input.fingerprint) {
      throw createError('HS_ERR_IDEMPOTENCY_MISMATCH', { key: input.idempotencyKey ?? '' });
    }
    return { record: toRecord(existing), created: false };
  }

  createBacktest(input: NewBacktest): Promise<CreateBacktestResult> {
    return this.run(async () => {
      if (input.idempotencyKey !== null) {
        const existing = await this.existingByKey(input);
        if (existing) return existing;
      }
      const now = new Date();
      const doc: BacktestDoc = {
        _id: newId(),
        ownerId: input.ownerId,
        name: input.name,
        tags: input.tags,
        config: input.config,
        strategy: input.config.strategy.name,
        symbols: input.config.symbols,
        status: 'queued',
        progress: 0,
        step: null,
        queuedAt: now,
        startedAt: null,
        finishedAt: null,
        createdAt: now,
        updatedAt: now,
        summary: null,
        error: null,
        fingerprint: input.fingerprint,
        idempotencyKey: input.idempotencyKey,
        attempts: 0,
        logSeq: 0,
      };
      try {
        await this.backtests.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      } catch (error) {
        // Another process inserted the same owner and key between our read and our write.
        if (isDuplicateKey(error) && input.idempotencyKey !== null) {
          const existing = await this.existingByKey(input);
          if (existing) return existing;
        }
        throw error;
      }
      return { record: toRecord(doc), created: true };
    });
  }

  getBacktest(id: string): Promise<BacktestRecord | null> {
    return this.run(async () => {
      const doc = await this.backtests.findById(id).lean<BacktestDoc>().exec();
      return doc ? toRecord(doc) : null;
    });
  }

  listBacktests(ownerId: string, query: ListBacktestsQuery): Promise<BacktestPage> {
    return this.run(async () => {
      checkListLimit(query.limit);
      const { field, descending } = sortOrder(query.sort);
      const filter: Record<string, unknown> = { ownerId };
      if (query.status !== undefined) filter.status = query.status;
      if (query.strategy !== undefined) filter.strategy = query.strategy;
      if (query.symbol !== undefined) filter.symbols = query.symbol;
      if (query.tag !== undefined) filter.tags = query.tag;
      const from = instantBound('/createdFrom', query.createdFrom);
      const to = instantBound('/createdTo', query.createdTo);
      if (from !== undefined || to !== undefined) {
        filter.createdAt = {
          ...(from === undefined ? {} : { $gte: new Date(from) }),
          ...(to === undefined ? {} : { $lt: new Date(to) }),
        };
      }
      const total = await this.backtests.countDocuments(filter).exec();
      const position =
        query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort);
      const docs = isStatSort(field)
        ? await this.pageByStat(filter, field, descending, query.limit, position)
        : await this.pageByField(filter, field, descending, query.limit, position);
      const items = docs.slice(0, query.limit).map(toRecord);
      const last = items.at(-1);
      const nextCursor =
        docs.length > query.limit && last !== undefined ? cursorAfter(last, query.sort) : null;
      return { items, nextCursor, total };
    });
  }

  /** Up to limit + 1 documents after `position`, sorted by one of the record's own fields. */
  private pageByField(
    filter: Record<string, unknown>,
    field: 'createdAt' | 'name' | 'status',
    descending: boolean,
    limit: number,
    position: CursorPosition | undefined,
  ): Promise<BacktestDoc[]> {
    const beyond = descending ? '$lt' : '$gt';
    const direction = descending ? -1 : 1;
    const after =
      position === undefined
        ? {}
        : {
            $or: [
              { [field]: { [beyond]: cursorValue(field, position.key as string) } },
              {
                [field]: cursorValue(field, position.key as string),
                _id: { [beyond]: position.id },
              },
            ],
          };
    return this.backtests
      .find({ $and: [filter, after] })
      .sort({ [field]: direction, _id: direction })
      .limit(limit + 1)
      .lean<BacktestDoc[]>()
      .exec();
  }

  /**
   * Up to limit + 1 documents after `position`, sorted by a summary statistic with the nulls
   * last in either direction (see isStatSort): MongoDB puts them first when ascending, so the
   * documents with a value and those without are read one after the other.
   */
  private async pageByStat(
    filter: Record<string, unknown>,
    stat: SummaryStat,
    descending: boolean,
    limit: number,
    position: CursorPosition | undefined,
  ): Promise<BacktestDoc[]> {
    const path = `summary.${stat}`;
    const beyond = descending ? '$lt' : '$gt';
    const direction = descending ? -1 : 1;
    const docs: BacktestDoc[] = [];
    if (position?.key !== null) {
      const after =
        position === undefined
          ? {}
          : {
              $or: [
                { [path]: { [beyond]: position.key } },
                { [path]: position.key, _id: { [beyond]: position.id } },
              ],
            };
      docs.push(
        ...(await this.backtests
          .find({ $and: [filter, { [path]: { $ne: null } }, after] })
          .sort({ [path]: direction, _id: direction })
          .limit(limit + 1)
          .lean<BacktestDoc[]>()
          .exec()),
      );
    }
    if (docs.length <= limit) {
      const after = position?.key === null ? { _id: { [beyond]: position.id } } : {};
      docs.push(
        ...(await this.backtests
          .find({ $and: [filter, { [path]: null }, after] })
          .sort({ _id: direction })
          .limit(limit + 1 - docs.length)
          .lean<BacktestDoc[]>()
          .exec()),
      );
    }
    return docs;
  }

  countActive(ownerId: string): Promise<number> {
    return this.run(() =>
      this.backtests.countDocuments({ ownerId, status: { $in: [...ACTIVE_STATUSES] } }).exec(),
    );
  }

  findCompletedByFingerprint(fingerprint: string): Promise<BacktestRecord | null> {
    return this.run(async () => {
      const doc = await this.backtests
        .findOne({ fingerprint, status: 'completed' })
        .sort({ finishedAt: -1, _id: -1 })
        .lean<BacktestDoc>()
        .exec();
      return doc ? toRecord(doc) : null;
    });
  }

  setProgress(id: string, progress: number, step: BacktestStep): Promise<boolean> {
    return this.run(async () => {
      checkProgress(progress);
      const result = await this.backtests
        .updateOne(
          { _id: id, status: { $in: [...ACTIVE_STATUSES] } },
          { $set: { progress, step, updatedAt: new Date() } },
        )
        .exec();
      return result.matchedCount > 0;
    });
  }

  transition(id: string, transition: Transition): Promise<BacktestRecord | null> {
    return this.run(async () => {
      const from = transition.from.filter((status) => !isTerminalStatus(status));
      if (from.length === 0) return null;
      const patch = transition.patch ?? {};
      if (patch.progress !== undefined) checkProgress(patch.progress);
      const now = new Date();
      const set: Record<string, unknown> = { status: transition.to, updatedAt: now };
      const update: Record<string, unknown> = { $set: set };
      if (transition.to === 'running') {
        set.startedAt = now;
        update.$inc = { attempts: 1 };
      }
      if (isTerminalStatus(transition.to)) set.finishedAt = now;
      if (patch.progress !== undefined) set.progress = patch.progress;
      if (patch.step !== undefined) set.step = patch.step;
      if (patch.summary !== undefined) set.summary = patch.summary;
      if (patch.error !== undefined) set.error = patch.error;
      // The status condition and the write are one atomic document operation.
      const doc = await this.backtests
        .findOneAndUpdate({ _id: id, status: { $in: from } }, update, {
          returnDocument: 'after',
        })
        .lean<BacktestDoc>()
        .exec();
      return doc ? toRecord(doc) : null;
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
    return this.run(async () => {
      const result = await this.backtests.deleteOne({ _id: id }).exec();
      // The record goes first: an append racing the delete then fails as not found instead of
      // leaving lines that belong to nothing.
      await this.logs.deleteMany({ backtestId: id }).exec();
      return result.deletedCount > 0;
    });
  }

  appendLogs(id: string, lines: readonly NewLogLine[]): Promise<ExecutionLogLine[]> {
    return this.run(async () => {
      // Checked before reserving seqs: a bad line must not use any up.
      const checked = storedLogLines(id, 1, lines);
      // Reserving the seqs is one atomic increment, so concurrent appenders never share a seq.
      const counter = await this.backtests
        .findOneAndUpdate(
          { _id: id },
          { $inc: { logSeq: lines.length } },
          { returnDocument: 'after', projection: { logSeq: 1 } },
        )
        .lean<Pick<BacktestDoc, 'logSeq'>>()
        .exec();
      if (!counter) throw createError('HS_ERR_NOT_FOUND', { id });
      const offset = counter.logSeq - lines.length;
      const stored = checked.map((line) => ({ ...line, seq: line.seq + offset }));
      if (stored.length > 0) {
        await this.logs.collection.insertMany(
          stored.map((line) => ({ ...line, ts: new Date(line.ts) })),
          { ordered: true },
        );
      }
      return stored;
    });
  }

  getLogs(id: string, query: LogQuery): Promise<ExecutionLogLine[]> {
    return this.run(async () => {
      checkLogLimit(query.limit);
      const docs = await this.logs
        .find({
          backtestId: id,
          seq: { $gt: query.afterSeq ?? 0 },
          level: { $in: levelsFrom(query.minLevel ?? 'debug') },
        })
        .sort({ seq: 1 })
        .limit(query.limit)
        .lean<LogDoc[]>()
        .exec();
      return docs.map((doc) => ({
        backtestId: doc.backtestId,
        seq: doc.seq,
        ts: iso(doc.ts),
        level: doc.level,
        message: doc.message,
      }));
    });
  }

  createApiKey(input: NewApiKey): Promise<ApiKeyRecord> {
    return this.run(async () => {
      const doc: ApiKeyDoc = {
        _id: newId(),
        keyHash: input.keyHash,
        userId: input.userId,
        tier: input.tier,
        admin: input.admin,
        createdAt: new Date(),
      };
      try {
        await this.apiKeys.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      } catch (error) {
        if (isDuplicateKey(error)) {
          throw createError('HS_ERR_CONFLICT', { reason: 'an API key with this hash exists' });
        }
        throw error;
      }
      return toApiKey(doc);
    });
  }

  scanBacktests(
    afterId: string | null,
    limit: number,
    statuses?: readonly BacktestStatus[],
  ): Promise<BacktestRecord[]> {
    return this.run(async () => {
      checkPageSize('/limit', limit, MAX_SCAN_PAGE);
      const filter: Record<string, unknown> = afterId === null ? {} : { _id: { $gt: afterId } };
      if (statuses !== undefined) filter.status = { $in: [...statuses] };
      const docs = await this.backtests
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit)
        .lean<BacktestDoc[]>()
        .exec();
      return docs.map(toRecord);
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.run(async () => {
      const docs = await this.apiKeys.find().sort({ _id: 1 }).lean<ApiKeyDoc[]>().exec();
      return docs.map(toApiKey);
    });
  }

  restoreBacktest(record: BacktestRecord, logs: readonly ExecutionLogLine[]): Promise<boolean> {
    return this.run(async () => {
      if (await this.backtests.exists({ _id: record.id }).exec()) return false;
      // Logs first, the record last: a restore cut off between the two is finished by the next
      // run, whose log lines already present are duplicates to skip.
      if (logs.length > 0) {
        try {
          await this.logs.collection.insertMany(
            logs.map((line) => ({ ...line, backtestId: record.id, ts: new Date(line.ts) })),
            { ordered: false },
          );
        } catch (error) {
          const writeErrors = (error as { writeErrors?: { code?: unknown }[] }).writeErrors;
          const onlyDuplicates =
            isDuplicateKey(error) && (writeErrors ?? []).every((e) => e.code === 11000);
          if (!onlyDuplicates) throw error;
        }
      }
      const date = (value: string | null) => (value === null ? null : new Date(value));
      const doc: BacktestDoc = {
        _id: record.id,
        ownerId: record.ownerId,
        name: record.name,
        tags: record.tags,
        config: record.config,
        strategy: record.config.strategy.name,
        symbols: record.config.symbols,
        status: record.status,
        progress: record.progress,
        step: record.step,
        queuedAt: new Date(record.queuedAt),
        startedAt: date(record.startedAt),
        finishedAt: date(record.finishedAt),
        createdAt: new Date(record.createdAt),
        updatedAt: new Date(record.updatedAt),
        summary: record.summary,
        error: record.error,
        fingerprint: record.fingerprint,
        idempotencyKey: record.idempotencyKey,
        attempts: record.attempts,
        logSeq: logs.reduce((max, line) => Math.max(max, line.seq), 0),
      };
      try {
        await this.backtests.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      return true;
    });
  }

  restoreApiKey(record: ApiKeyRecord): Promise<boolean> {
    return this.run(async () => {
      const doc: ApiKeyDoc = {
        _id: record.id,
        keyHash: record.keyHash,
        userId: record.userId,
        tier: record.tier,
        admin: record.admin,
        createdAt: new Date(record.createdAt),
      };
      try {
        await this.apiKeys.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      return true;
    });
  }

  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.run(async () => {
      const doc = await this.apiKeys.findOne({ keyHash }).lean<ApiKeyDoc>().exec();
      return doc ? toApiKey(doc) : null;
    });
  }

  countApiKeys(): Promise<number> {
    return this.run(() => this.apiKeys.countDocuments({}).exec());
  }

  listSummaries(ownerId: string, query: SummaryQuery = {}): Promise<BacktestSummaryRow[]> {
    return this.run(async () => {
      const from = instantBound('/from', query.from);
      const to = instantBound('/to', query.to);
      const filter: Record<string, unknown> = { ownerId };
      if (from !== undefined || to !== undefined) {
        filter.createdAt = {
          ...(from === undefined ? {} : { $gte: new Date(from) }),
          ...(to === undefined ? {} : { $lt: new Date(to) }),
        };
      }
      const docs = await this.backtests
        .find(filter, { status: 1, strategy: 1, createdAt: 1, summary: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .lean<Pick<BacktestDoc, '_id' | 'status' | 'strategy' | 'createdAt' | 'summary'>[]>()
        .exec();
      return docs.map((doc) => ({
        id: doc._id,
        status: doc.status,
        strategy: doc.strategy,
        createdAt: iso(doc.createdAt),
        returnPct: doc.status === 'completed' ? (doc.summary?.returnPct ?? null) : null,
      }));
    });
  }

  createWebhook(input: NewWebhook): Promise<WebhookRecord> {
    return this.run(async () => {
      const doc: WebhookDoc = {
        _id: newId(),
        ownerId: input.ownerId,
        url: input.url,
        events: [...input.events],
        description: input.description,
        secret: input.secret,
        enabled: true,
        disabledReason: null,
        createdAt: new Date(),
      };
      await this.webhooks.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      return toWebhook(doc);
    });
  }

  getWebhook(id: string): Promise<WebhookRecord | null> {
    return this.run(async () => {
      const doc = await this.webhooks.findById(id).lean<WebhookDoc>().exec();
      return doc ? toWebhook(doc) : null;
    });
  }

  listWebhooks(ownerId: string): Promise<WebhookRecord[]> {
    return this.run(async () => {
      const docs = await this.webhooks.find({ ownerId }).sort({ _id: 1 }).lean<WebhookDoc[]>();
      return docs.map(toWebhook);
    });
  }

  listAllWebhooks(): Promise<WebhookRecord[]> {
    return this.run(async () => {
      const docs = await this.webhooks.find({}).sort({ _id: 1 }).lean<WebhookDoc[]>();
      return docs.map(toWebhook);
    });
  }

  restoreWebhook(record: WebhookRecord): Promise<boolean> {
    return this.run(async () => {
      const doc: WebhookDoc = {
        _id: record.id,
        ownerId: record.ownerId,
        url: record.url,
        events: [...record.events],
        description: record.description,
        secret: record.secret,
        enabled: record.enabled,
        disabledReason: record.disabledReason,
        createdAt: new Date(record.createdAt),
      };
      return this.#insertNew(this.webhooks, doc);
    });
  }

  /** Inserts a document; false when one with its id exists. */
  async #insertNew<T>(model: Model<T>, doc: T & { _id: string }): Promise<boolean> {
    try {
      await model.collection.insertOne(doc as unknown as mongoose.mongo.Document);
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    return true;
  }

  deleteWebhook(id: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.webhooks.deleteOne({ _id: id }).exec();
      await this.deliveries.deleteMany({ webhookId: id }).exec();
      return result.deletedCount > 0;
    });
  }

  disableWebhook(id: string, reason: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.webhooks
        .updateOne({ _id: id, enabled: true }, { $set: { enabled: false, disabledReason: reason } })
        .exec();
      return result.modifiedCount > 0;
    });
  }

  recordWebhookDelivery(input: NewWebhookDelivery): Promise<WebhookDelivery> {
    return this.run(async () => {
      const doc: DeliveryDoc = { _id: newId(), ...input, at: new Date(input.at) };
      await this.deliveries.collection.insertOne(doc as unknown as mongoose.mongo.Document);
      return toDelivery(doc);
    });
  }

  listWebhookDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.run(async () => {
      checkPageSize('/limit', limit, MAX_DELIVERY_PAGE_SIZE);
      const docs = await this.deliveries
        .find({ webhookId })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<DeliveryDoc[]>()
        .exec();
      return docs.map(toDelivery);
    });
  }

  getNotificationSettings(ownerId: string): Promise<NotificationSettings | null> {
    return this.run(async () => {
      const doc = await this.settings.findById(ownerId).lean<SettingsDoc>().exec();
      if (!doc) return null;
      const { ownerId: _owner, ...settings } = toSettingsRecord(doc);
      return settings;
    });
  }

  listAllNotificationSettings(): Promise<NotificationSettingsRecord[]> {
    return this.run(async () => {
      const docs = await this.settings.find({}).sort({ _id: 1 }).lean<SettingsDoc[]>();
      return docs.map(toSettingsRecord);
    });
  }

  restoreNotificationSettings(record: NotificationSettingsRecord): Promise<boolean> {
    return this.run(() =>
      this.#insertNew(this.settings, {
        _id: record.ownerId,
        email: record.email,
        events: [...record.events],
        updatedAt: new Date(record.updatedAt),
      } satisfies SettingsDoc),
    );
  }

  putNotificationSettings(
    ownerId: string,
    settings: NotificationSettingsBody,
  ): Promise<NotificationSettings> {
    return this.run(async () => {
      const updatedAt = new Date();
      await this.settings
        .updateOne(
          { _id: ownerId },
          { $set: { email: settings.email, events: [...settings.events], updatedAt } },
          { upsert: true },
        )
        .exec();
      return { email: settings.email, events: [...settings.events], updatedAt: iso(updatedAt) };
    });
  }

  notificationTargets(ownerId: string, event: NotificationEvent): Promise<NotificationTargets> {
    return this.run(async () => {
      const [hooks, mail] = await Promise.all([
        this.webhooks
          .find({ ownerId, enabled: true, events: event }, { _id: 1 })
          .sort({ _id: 1 })
          .lean<Pick<WebhookDoc, '_id'>[]>()
          .exec(),
        this.settings
          .findOne({ _id: ownerId, email: { $type: 'string' }, events: event }, { email: 1 })
          .lean<Pick<SettingsDoc, 'email'>>()
          .exec(),
      ]);
      return { webhookIds: hooks.map((hook) => hook._id), email: mail?.email ?? null };
    });
  }

  createSweep(input: NewSweep): Promise<SweepRecord> {
    return this.run(() => this.sweeps.create(input));
  }

  getSweep(id: string): Promise<SweepRecord | null> {
    return this.run(() => this.sweeps.get(id));
  }

  listSweeps(ownerId: string, query: { limit: number; cursor?: string }): Promise<SweepPage> {
    return this.run(() => this.sweeps.list(ownerId, query));
  }

  countActiveSweeps(ownerId: string): Promise<number> {
    return this.run(() => this.sweeps.countActive(ownerId));
  }

  transitionSweep(id: string, transition: SweepTransition): Promise<SweepRecord | null> {
    return this.run(() => this.sweeps.transition(id, transition));
  }

  deleteSweep(id: string): Promise<boolean> {
    return this.run(() => this.sweeps.delete(id));
  }

  putSweepCells(sweepId: string, cells: readonly SweepCellRecord[]): Promise<void> {
    return this.run(() => this.sweeps.putCells(sweepId, cells));
  }

  listSweepCells(
    sweepId: string,
    query: { afterIndex: number; limit: number },
  ): Promise<SweepCellRecord[]> {
    return this.run(() => this.sweeps.listCells(sweepId, query));
  }

  countSweepCells(sweepId: string): Promise<SweepCellCounts> {
    return this.run(() => this.sweeps.countCells(sweepId));
  }

  findCachedSweepCells(
    fingerprints: readonly string[],
    scoring?: string,
  ): Promise<Map<string, CachedSweepCell>> {
    return this.run(() => this.sweeps.findCached(fingerprints, scoring));
  }

  ping(): Promise<void> {
    return this.run(async () => {
      const db = this.connection.db;
      if (!db) throw createError('HS_ERR_STORE_UNAVAILABLE', { reason: 'not connected' });
      await db.admin().ping();
    });
  }

  close(): Promise<void> {
    return this.run(() => this.connection.close());
  }
}
