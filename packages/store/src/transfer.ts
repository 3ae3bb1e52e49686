import type {
  ApiKeyRecord,
  BacktestRecord,
  ExecutionLogLine,
  WebhookRecord,
} from '@hindsight/models';
import {
  MAX_LOG_PAGE,
  MAX_SCAN_PAGE,
  type NotificationSettingsRecord,
  type Store,
} from './store.js';

/**
 * The store's JSON-lines dump, for moving between SQLite and MongoDB and for backups: a header,
 * one line per API key, per webhook subscription (with its signing secret, so receivers'
 * signature checks still pass after a move) and per user's e-mail settings, one per backtest
 * with its log lines, and a trailer with the counts. Delivery attempts are history and stay
 * behind. A file without its trailer was cut short and is refused at the end of an import.
 */
export const TRANSFER_FORMAT = 'hindsight-store';
/** 2 added webhooks and notification settings; a version 1 file (without them) still imports. */
export const TRANSFER_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, TRANSFER_VERSION];

export interface TransferCounts {
  apiKeys: number;
  webhooks: number;
  notificationSettings: number;
  backtests: number;
  logs: number;
}
const COUNTED = ['apiKeys', 'webhooks', 'notificationSettings', 'backtests', 'logs'] as const;

export type TransferLine =
  | { kind: 'header'; format: typeof TRANSFER_FORMAT; version: number; exportedAt: string }
  | { kind: 'apiKey'; record: ApiKeyRecord }
  | { kind: 'webhook'; record: WebhookRecord }
  | { kind: 'notificationSettings'; record: NotificationSettingsRecord }
  | { kind: 'backtest'; record: BacktestRecord; logs: ExecutionLogLine[] }
  | { kind: 'trailer'; counts: TransferCounts };
const KINDS = new Set([
  'header',
  'apiKey',
  'webhook',
  'notificationSettings',
  'backtest',
  'trailer',
]);

export interface ImportResult {
  /** What the trailer says the file holds. */
  expected: TransferCounts;
  /** Written by this run. */
  imported: TransferCounts;
  /** Already in the store (an earlier, interrupted run wrote them): left as they are. */
  skipped: TransferCounts;
}

export class TransferError extends Error {
  override readonly name = 'TransferError';
}

/** Counts of nothing, for exportLines to fill. */
export const emptyTransferCounts = (): TransferCounts => ({
  apiKeys: 0,
  webhooks: 0,
  notificationSettings: 0,
  backtests: 0,
  logs: 0,
});

async function logsOf(store: Store, backtestId: string): Promise<ExecutionLogLine[]> {
  const lines: ExecutionLogLine[] = [];
  for (;;) {
    const page = await store.getLogs(backtestId, {
      afterSeq: lines.at(-1)?.seq ?? 0,
      limit: MAX_LOG_PAGE,
    });
    lines.push(...page);
    if (page.length < MAX_LOG_PAGE) return lines;
  }
}

/**
 * The store as JSON lines (each without its newline), read a page of backtests at a time so
 * memory stays flat however large the store. `counts` is filled as lines are produced.
 */
export async function* exportLines(
  store: Store,
  counts: TransferCounts = emptyTransferCounts(),
): AsyncGenerator<string> {
  const header: TransferLine = {
    kind: 'header',
    format: TRANSFER_FORMAT,
    version: TRANSFER_VERSION,
    exportedAt: new Date().toISOString(),
  };
  yield JSON.stringify(header);
  for (const record of await store.listApiKeys()) {
    counts.apiKeys += 1;
    yield JSON.stringify({ kind: 'apiKey', record } satisfies TransferLine);
  }
  for (const record of await store.listAllWebhooks()) {
    counts.webhooks += 1;
    yield JSON.stringify({ kind: 'webhook', record } satisfies TransferLine);
  }
  for (const record of await store.listAllNotificationSettings()) {
    counts.notificationSettings += 1;
    yield JSON.stringify({ kind: 'notificationSettings', record } satisfies TransferLine);
  }
  let after: string | null = null;
  for (;;) {
    const page: BacktestRecord[] = await store.scanBacktests(after, MAX_SCAN_PAGE);
    for (const record of page) {
      const logs = await logsOf(store, record.id);
      counts.backtests += 1;
      counts.logs += logs.length;
      yield JSON.stringify({ kind: 'backtest', record, logs } satisfies TransferLine);
    }
    if (page.length < MAX_SCAN_PAGE) break;
    after = page.at(-1)?.id ?? null;
  }
  yield JSON.stringify({ kind: 'trailer', counts: { ...counts } } satisfies TransferLine);
}

function parseLine(text: string, lineNumber: number): TransferLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TransferError(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw new TransferError(
      `line ${lineNumber}: kind must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  return value as TransferLine;
}

/**
 * Writes the lines of an export into the store, one record at a time. Records already present
 * (by id) are skipped, so an interrupted import is finished by running it again. At the end the
 * counts read must equal the trailer's, and imported + skipped must equal both.
 * @throws TransferError for a bad line, a missing header or trailer, or counts that disagree.
 */
export async function importLines(
  store: Store,
  lines: AsyncIterable<string>,
  onProgress?: (result: ImportResult) => void,
): Promise<ImportResult> {
  const imported = emptyTransferCounts();
  const skipped = emptyTransferCounts();
  const read = emptyTransferCounts();
  let expected: TransferCounts | null = null;
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    const line = parseLine(text, lineNumber);
    if (lineNumber === 1 && line.kind !== 'header') {
      throw new TransferError(`line 1: expected the ${TRANSFER_FORMAT} header, got ${line.kind}`);
    }
    if (expected !== null) {
      throw new TransferError(`line ${lineNumber}: a ${line.kind} line after the trailer`);
    }
    switch (line.kind) {
      case 'header':
        if (lineNumber !== 1) throw new TransferError(`line ${lineNumber}: a second header`);
        if (line.format !== TRANSFER_FORMAT || !READABLE_VERSIONS.includes(line.version)) {
          throw new TransferError(
            `line 1: format ${line.format} version ${line.version} is not ${TRANSFER_FORMAT} version ${READABLE_VERSIONS.join(' or ')}`,
          );
        }
        break;
      case 'apiKey': {
        read.apiKeys += 1;
        const target = (await store.restoreApiKey(line.record)) ? imported : skipped;
        target.apiKeys += 1;
        break;
      }
      case 'webhook': {
        read.webhooks += 1;
        const target = (await store.restoreWebhook(line.record)) ? imported : skipped;
        target.webhooks += 1;
        break;
      }
      case 'notificationSettings': {
        read.notificationSettings += 1;
        const target = (await store.restoreNotificationSettings(line.record)) ? imported : skipped;
        target.notificationSettings += 1;
        break;
      }
      case 'backtest': {
        read.backtests += 1;
        read.logs += line.logs.length;
        const target = (await store.restoreBacktest(line.record, line.logs)) ? imported : skipped;
        target.backtests += 1;
        target.logs += line.logs.length;
        break;
      }
      case 'trailer':
        // A version 1 trailer counts no webhooks or settings: it has none.
        expected = { ...emptyTransferCounts(), ...line.counts };
        break;
    }
    if (onProgress && lineNumber % 1_000 === 0) {
      onProgress({ expected: expected ?? read, imported, skipped });
    }
  }
  if (expected === null) {
    throw new TransferError(
      `no trailer after line ${lineNumber}: the file was cut short (run the export again)`,
    );
  }
  for (const kind of COUNTED) {
    if (read[kind] !== expected[kind] || imported[kind] + skipped[kind] !== expected[kind]) {
      throw new TransferError(
        `${kind}: the trailer says ${expected[kind]}, the file has ${read[kind]}, imported ${imported[kind]} + skipped ${skipped[kind]}`,
      );
    }
  }
  return { expected, imported, skipped };
}
