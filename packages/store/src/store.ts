import type {
  ApiKeyRecord,
  BacktestFailure,
  BacktestPage,
  BacktestRecord,
  BacktestRequest,
  BacktestStatus,
  BacktestStep,
  BacktestSummary,
  BacktestSummaryRow,
  ExecutionLogLine,
  ListBacktestsQuery,
  LogLevel,
  NewLogLine,
  NotificationEvent,
  NotificationSettings,
  NotificationSettingsBody,
  NotificationTargets,
  SweepCellRecord,
  SweepRecord,
  SweepRequest,
  WebhookDelivery,
  WebhookRecord,
} from '@hindsight/models';

export interface NewBacktest {
  ownerId: string;
  name: string;
  tags: string[];
  config: BacktestRequest;
  fingerprint: string;
  /** Scoped to the owner: the same key from another owner is another backtest. */
  idempotencyKey: string | null;
}

export interface CreateBacktestResult {
  record: BacktestRecord;
  /** false when the owner's idempotency key matched an earlier backtest, which is returned. */
  created: boolean;
}

/** What a transition may change besides the status; timestamps and attempts the store sets. */
export interface TransitionPatch {
  progress?: number;
  step?: BacktestStep | null;
  summary?: BacktestSummary | null;
  error?: BacktestFailure | null;
}

export interface Transition {
  /** Statuses the backtest may be in for the change to apply; terminal ones never match. */
  from: readonly BacktestStatus[];
  to: BacktestStatus;
  patch?: TransitionPatch;
}

export interface LogQuery {
  /** Lines with a greater seq only. */
  afterSeq?: number;
  /** Lines of this level or more severe only (see levelsFrom). */
  minLevel?: LogLevel | undefined;
  limit: number;
}

export interface SummaryQuery {
  /** Created at or after (ISO date or date-time). */
  from?: string;
  /** Created before. */
  to?: string;
}

export interface NewSweep {
  ownerId: string;
  name: string;
  config: SweepRequest;
  fingerprint: string;
  combos: SweepRecord['combos'];
  chunks: number;
}

export interface SweepTransition {
  /** Statuses the sweep may be in for the change to apply; terminal ones never match. */
  from: readonly BacktestStatus[];
  to: BacktestStatus;
  patch?: { summary?: unknown; error?: BacktestFailure | null };
}

export interface SweepPage {
  items: SweepRecord[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** How many cells of a sweep the store holds, by status. */
export interface SweepCellCounts {
  completed: number;
  failed: number;
  skipped: number;
}

/**
 * What a completed cell leaves in the cache, under the fingerprint of its standalone backtest; and
 * its in-sample scores, under the fingerprint and their walk-forward scoring (several may be kept).
 */
export type CachedSweepCell = Pick<SweepCellRecord, 'stats' | 'trial' | 'inSample'>;

export type NewApiKey = Omit<ApiKeyRecord, 'id' | 'createdAt'>;

export type NewWebhook = Pick<WebhookRecord, 'ownerId' | 'url' | 'events' | 'secret'> & {
  description: string | null;
};

export type NewWebhookDelivery = Omit<WebhookDelivery, 'id'>;

/** One owner's e-mail settings as stored (and exported). */
export type NotificationSettingsRecord = NotificationSettings & {
  ownerId: string;
  updatedAt: string;
};

export const MAX_LOG_PAGE = 10_000;
/** The largest page of sweep cells `listSweepCells` returns. */
export const MAX_CELL_PAGE = 10_000;
/** The largest page `scanBacktests` returns. */
export const MAX_SCAN_PAGE = 1_000;

/**
 * The system of record for backtests, their logs and API keys. Every adapter passes
 * store.contract.ts; several processes may share one store, so every read-modify-write is a single
 * atomic operation of the database.
 */
export interface Store {
  /**
   * Writes a new `queued` backtest. When the owner reuses an idempotency key, returns the earlier
   * backtest instead (created: false); reused with a different fingerprint, HS_ERR_IDEMPOTENCY_MISMATCH.
   */
  createBacktest(input: NewBacktest): Promise<CreateBacktestResult>;
  getBacktest(id: string): Promise<BacktestRecord | null>;
  /** The owner's backtests, filtered and sorted, a page at a time (see ListBacktestsQuery). */
  listBacktests(ownerId: string, query: ListBacktestsQuery): Promise<BacktestPage>;
  /** Queued or running backtests of the owner, for quotas. */
  countActive(ownerId: string): Promise<number>;
  /** The most recently finished completed backtest with this fingerprint, of any owner. */
  findCompletedByFingerprint(fingerprint: string): Promise<BacktestRecord | null>;
  /** Records progress and step unless the backtest is terminal or gone; true if it applied. */
  setProgress(id: string, progress: number, step: BacktestStep): Promise<boolean>;
  /**
   * Compare-and-set: moves the backtest to `to` if its status is one of `from` and not terminal,
   * as one atomic write; the updated record, or null if it did not apply. Entering `running`
   * stamps startedAt and counts an attempt; entering a terminal status stamps finishedAt.
   */
  transition(id: string, transition: Transition): Promise<BacktestRecord | null>;
  /**
   * Completes a queued or running backtest with its summary (progress 1). Idempotent: only the
   * first of any number of calls, from any process, returns true; the others change nothing.
   */
  complete(id: string, summary: BacktestSummary): Promise<boolean>;
  /** Deletes the backtest and its log lines; false if it did not exist. */
  deleteBacktest(id: string): Promise<boolean>;
  /** Appends lines in order, numbering them after the last line stored; HS_ERR_NOT_FOUND if gone. */
  appendLogs(id: string, lines: readonly NewLogLine[]): Promise<ExecutionLogLine[]>;
  getLogs(id: string, query: LogQuery): Promise<ExecutionLogLine[]>;
  /** HS_ERR_CONFLICT if the hash is already stored. */
  createApiKey(input: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  countApiKeys(): Promise<number>;
  /** One light row per backtest of the owner, oldest first: the input of computePerformanceStats. */
  listSummaries(ownerId: string, query?: SummaryQuery): Promise<BacktestSummaryRow[]>;
  /** Resolves if the store answers; HS_ERR_STORE_UNAVAILABLE otherwise. */
  /**
   * Up to `limit` backtests of every owner with an id greater than `afterId` (all from the start
   * for null), in id order: a keyset page, so an export reads the store a page at a time.
   * `statuses` keeps only backtests in one of them (the reconciler reads the active ones).
   */
  scanBacktests(
    afterId: string | null,
    limit: number,
    statuses?: readonly BacktestStatus[],
  ): Promise<BacktestRecord[]>;
  /** Every API key (hashes only: the store never holds a key itself). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /**
   * Writes a backtest exactly as exported - id, status, times, attempts - with its log lines;
   * false, writing nothing, when a backtest with that id exists. A restore interrupted midway
   * can be run again: the record is written last, so its presence means its logs are there.
   */
  restoreBacktest(record: BacktestRecord, logs: readonly ExecutionLogLine[]): Promise<boolean>;
  /** Writes an API key as exported; false when one with that id or hash exists. */
  restoreApiKey(record: ApiKeyRecord): Promise<boolean>;
  /** A new enabled subscription. */
  createWebhook(input: NewWebhook): Promise<WebhookRecord>;
  getWebhook(id: string): Promise<WebhookRecord | null>;
  /** The owner's subscriptions, oldest first. */
  listWebhooks(ownerId: string): Promise<WebhookRecord[]>;
  /** Every owner's subscriptions with their secrets, in id order: for an export. */
  listAllWebhooks(): Promise<WebhookRecord[]>;
  /**
   * Writes a subscription exactly as exported - id, secret, enabled - so its signatures still
   * verify; false, writing nothing, when one with that id exists.
   */
  restoreWebhook(record: WebhookRecord): Promise<boolean>;
  /** Deletes the subscription and its delivery attempts; false if it did not exist. */
  deleteWebhook(id: string): Promise<boolean>;
  /** Stops deliveries to an enabled subscription, saying why; false if it was not enabled. */
  disableWebhook(id: string, reason: string): Promise<boolean>;
  /** Records one delivery attempt (kept until the subscription is deleted). */
  recordWebhookDelivery(input: NewWebhookDelivery): Promise<WebhookDelivery>;
  /** The subscription's attempts, newest first, at most `limit` (<= MAX_DELIVERY_PAGE_SIZE). */
  listWebhookDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]>;
  /** The owner's e-mail settings; null until they are first put. */
  getNotificationSettings(ownerId: string): Promise<NotificationSettings | null>;
  /** Replaces the owner's e-mail settings. */
  putNotificationSettings(
    ownerId: string,
    settings: NotificationSettingsBody,
  ): Promise<NotificationSettings>;
  /** Every owner's e-mail settings, by owner: for an export. */
  listAllNotificationSettings(): Promise<NotificationSettingsRecord[]>;
  /** Writes an owner's settings as exported; false, writing nothing, when the owner has some. */
  restoreNotificationSettings(record: NotificationSettingsRecord): Promise<boolean>;
  /**
   * Who hears of `event` of the owner: enabled subscriptions to it and the e-mail address if the
   * settings name it. Read at every terminal transition, so it is indexed by owner.
   */
  notificationTargets(ownerId: string, event: NotificationEvent): Promise<NotificationTargets>;
  /** Writes a new `queued` sweep. */
  createSweep(input: NewSweep): Promise<SweepRecord>;
  getSweep(id: string): Promise<SweepRecord | null>;
  /** The owner's sweeps, newest first (id breaks ties), a page at a time. */
  listSweeps(ownerId: string, query: { limit: number; cursor?: string }): Promise<SweepPage>;
  /** Queued or running sweeps of the owner, for quotas. */
  countActiveSweeps(ownerId: string): Promise<number>;
  /**
   * Compare-and-set, as `transition` for backtests: entering `running` stamps startedAt, a
   * terminal status finishedAt; the updated record, or null if it did not apply.
   */
  transitionSweep(id: string, transition: SweepTransition): Promise<SweepRecord | null>;
  /** Deletes the sweep and its cells (the cache of cells stays); false if it did not exist. */
  deleteSweep(id: string): Promise<boolean>;
  /**
   * Keeps cells of a sweep; a cell already kept (same index) is left as it is, so a retried
   * chunk may write its cells again. Completed cells also enter the cache by fingerprint.
   */
  putSweepCells(sweepId: string, cells: readonly SweepCellRecord[]): Promise<void>;
  /** The sweep's cells with an index greater than `afterIndex` (-1 for all), by index. */
  listSweepCells(
    sweepId: string,
    query: { afterIndex: number; limit: number },
  ): Promise<SweepCellRecord[]>;
  countSweepCells(sweepId: string): Promise<SweepCellCounts>;
  /**
   * The cached cells among these fingerprints, by fingerprint; with `inSample` when `scoring` is
   * given and in-sample scores under it are cached (else without).
   */
  findCachedSweepCells(
    fingerprints: readonly string[],
    scoring?: string,
  ): Promise<Map<string, CachedSweepCell>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
