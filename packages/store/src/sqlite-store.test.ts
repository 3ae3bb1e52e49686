import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBacktestRequest } from '@hindsight/models';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from './create-store.js';
import { SqliteStore, StoreSchemaError } from './sqlite-store.js';
import { storeContract } from './store.contract.js';

const temp = mkdtempSync(join(tmpdir(), 'hindsight-sqlite-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(temp, `store-${++files}.sqlite`);

describe('SqliteStore', () => {
  storeContract(async () => {
    const file = freshFile();
    const store = SqliteStore.open(file);
    return { store, cleanup: () => store.close() };
  });
});

const config = parseBacktestRequest({
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
});
const input = {
  ownerId: 'o',
  name: 'n',
  tags: [],
  config,
  fingerprint: 'fp',
  idempotencyKey: null,
};

describe('SqliteStore on disk', () => {
  it('uses WAL and keeps everything across a close and a reopen', async () => {
    const file = freshFile();
    const store = SqliteStore.open(file);
    const { record } = await store.createBacktest(input);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const reopened = SqliteStore.open(file);
    expect(await reopened.getBacktest(record.id)).toEqual(record);
    await reopened.close();
  });

  it('refuses a file written by a newer schema, naming the versions', () => {
    const file = freshFile();
    SqliteStore.open(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => SqliteStore.open(file)).toThrow(StoreSchemaError);
    expect(() => SqliteStore.open(file)).toThrow(/schema version 99; this build knows 2/);
  });

  it('brings a version 1 file up: deliveries gain their sweep id, old rows keep null', async () => {
    const file = freshFile();
    const raw = new Database(file);
    // The version 1 table, as the first webhooks release created it.
    raw.exec(`CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL,
      message_id TEXT NOT NULL, event TEXT NOT NULL, backtest_id TEXT, attempt INTEGER NOT NULL,
      at TEXT NOT NULL, status_code INTEGER, error TEXT, duration_ms REAL NOT NULL,
      ok INTEGER NOT NULL) STRICT`);
    raw
      .prepare('INSERT INTO webhook_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        'd1',
        'w1',
        'msg_b_w1',
        'backtest.completed',
        'b',
        1,
        '2026-01-01T00:00:00.000Z',
        200,
        null,
        3,
        1,
      );
    raw.pragma('user_version = 1');
    raw.close();
    const store = SqliteStore.open(file);
    const recorded = await store.recordWebhookDelivery({
      webhookId: 'w1',
      messageId: 'msg_s_w1',
      event: 'sweep.completed',
      backtestId: null,
      sweepId: 's',
      attempt: 1,
      at: '2026-01-01T00:00:01.000Z',
      statusCode: 200,
      error: null,
      durationMs: 2,
      ok: true,
    });
    expect(await store.listWebhookDeliveries('w1', 10)).toEqual([
      recorded,
      expect.objectContaining({ id: 'd1', backtestId: 'b', sweepId: null }),
    ]);
    await store.close();
    const reopened = new Database(file);
    expect(reopened.pragma('user_version', { simple: true })).toBe(2);
    reopened.close();
  });

  it('answers HS_ERR_STORE_UNAVAILABLE once closed', async () => {
    const store = SqliteStore.open(freshFile());
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({
      code: 'HS_ERR_STORE_UNAVAILABLE',
      statusCode: 503,
      message: 'the store is unavailable: the database is closed',
    });
  });

  it('waits busyTimeoutMs for another writer, then answers HS_ERR_STORE_UNAVAILABLE', async () => {
    const file = freshFile();
    const store = SqliteStore.open(file, { busyTimeoutMs: 100 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(store.createBacktest(input)).rejects.toMatchObject({
      code: 'HS_ERR_STORE_UNAVAILABLE',
      message: 'the store is unavailable: SQLITE_BUSY',
    });
    expect(performance.now() - started, 'it waited before giving up').toBeGreaterThanOrEqual(90);
    other.exec('ROLLBACK');
    other.close();
    expect((await store.createBacktest(input)).created, 'and works once the lock is gone').toBe(
      true,
    );
    await store.close();
  });

  it('is what createStore makes without a MongoDB URL, at DATA_ROOT/hindsight.sqlite', async () => {
    const dataRoot = join(temp, 'data-root', 'nested');
    const store = await createStore({ dataRoot });
    expect(store).toBeInstanceOf(SqliteStore);
    await store.createBacktest(input);
    await store.close();
    const raw = new Database(join(dataRoot, 'hindsight.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM backtests').get()).toEqual({ n: 1 });
    raw.close();
  });
});

interface ChildResult {
  label: string;
  shared: { key: string; id: string; created: boolean; won: boolean }[];
  own: number;
  errors: string[];
  startedAt: number;
  endedAt: number;
}

const CHILD = fileURLToPath(new URL('./sqlite-store.child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function startChild(file: string, label: string, rounds: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', CHILD, file, label, String(rounds)],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (stdout.startsWith('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`${label} exited (${code}) early: ${stderr}`)));
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${label} exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.slice('ready\n'.length)) as ChildResult);
    });
  });
  return { child, ready, done };
}

describe('SqliteStore shared by two processes', () => {
  it('takes concurrent writes to one fresh file without SQLITE_BUSY, and every race has one winner', async () => {
    const file = freshFile();
    const rounds = 150;
    const children = [startChild(file, 'a', rounds), startChild(file, 'b', rounds)];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.end('go\n');
    const [a, b] = await Promise.all(children.map((c) => c.done));

    const overlap = Math.min(a!.endedAt, b!.endedAt) - Math.max(a!.startedAt, b!.startedAt);
    expect(overlap, 'the two processes wrote at the same time').toBeGreaterThan(0);
    expect(a!.errors, 'process a').toEqual([]);
    expect(b!.errors, 'process b').toEqual([]);
    expect([a!.own, b!.own]).toEqual([rounds, rounds]);

    const store = SqliteStore.open(file);
    try {
      for (let i = 0; i < rounds; i++) {
        const [ra, rb] = [a!.shared[i]!, b!.shared[i]!];
        expect(ra.id, `one backtest for key ${ra.key}`).toBe(rb.id);
        expect(Number(ra.created) + Number(rb.created), `one creator of ${ra.key}`).toBe(1);
        expect(Number(ra.won) + Number(rb.won), `one completer of ${ra.key}`).toBe(1);
        const record = await store.getBacktest(ra.id);
        expect(record?.status).toBe('completed');
        expect(record?.summary?.equityFinal, 'the winner wrote the summary').toBe(ra.won ? 1 : 2);
        const logs = await store.getLogs(ra.id, { limit: 10 });
        expect(logs.map((l) => l.seq)).toEqual([1, 2]);
      }
      const own = await store.listBacktests('owner-a', { sort: 'createdAt', limit: 100 });
      expect(own.items).toHaveLength(100);
      expect(await store.countActive('racer')).toBe(0);
    } finally {
      await store.close();
    }
    const ms = (r: ChildResult) => r.endedAt - r.startedAt;
    console.info(
      `two processes x ${rounds} rounds: ${ms(a!)} + ${ms(b!)} ms, ${overlap} overlapping`,
    );
  }, 60_000);
});
