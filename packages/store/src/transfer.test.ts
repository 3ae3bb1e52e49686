import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestRecord } from '@hindsight/models';
import { parseBacktestRequest } from '@hindsight/models';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { exportLines, importLines, TransferError } from './transfer.js';

const temp = mkdtempSync(join(tmpdir(), 'hindsight-transfer-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let files = 0;
const fresh = () => SqliteStore.open(join(temp, `store-${++files}.sqlite`));

/** 5 backtests in three states, 2 log lines on each odd one, 2 API keys. */
async function populated(): Promise<Store> {
  const store = fresh();
  for (let i = 0; i < 5; i++) {
    const config = parseBacktestRequest({
      strategy: { name: 'sma_crossover', params: { fast: 5 + i, slow: 30 } },
      symbols: ['GOOG'],
      start: '2004-08-19',
      end: '2013-03-01',
    });
    const { record } = await store.createBacktest({
      ownerId: i < 3 ? 'alice' : 'bob',
      name: `b${i}`,
      tags: [`t${i}`],
      config,
      fingerprint: `fp-${i}`,
      idempotencyKey: i === 0 ? 'key-0' : null,
    });
    if (i > 0) await store.transition(record.id, { from: ['queued'], to: 'running' });
    if (i > 2)
      await store.transition(record.id, {
        from: ['running'],
        to: 'failed',
        patch: { error: { code: 'HS_ERR_INTERNAL', message: 'x' } },
      });
    if (i % 2 === 1) {
      await store.appendLogs(record.id, [
        { ts: '2024-01-01T00:00:00.000Z', level: 'info', message: `first of ${i}` },
        { ts: '2024-01-01T00:00:01.000Z', level: 'error', message: `second of ${i}` },
      ]);
    }
  }
  await store.createApiKey({ keyHash: 'hash-a', userId: 'alice', tier: 'free', admin: false });
  await store.createApiKey({ keyHash: 'hash-b', userId: 'bob', tier: 'pro', admin: true });
  return store;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

async function* from(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

async function contents(store: Store) {
  const backtests: BacktestRecord[] = await store.scanBacktests(null, 1_000);
  const logs = await Promise.all(backtests.map((r) => store.getLogs(r.id, { limit: 100 })));
  return { backtests, logs, apiKeys: await store.listApiKeys() };
}

describe('store export and import', () => {
  it('copies every backtest, log line and API key exactly, and counts them', async () => {
    const source = await populated();
    const counts = { apiKeys: 0, backtests: 0, logs: 0 };
    const lines = await collect(exportLines(source, counts));
    // A header, 2 keys, 5 backtests, a trailer; 2 lines on each of backtests 1 and 3.
    expect(lines).toHaveLength(1 + 2 + 5 + 1);
    expect(counts).toEqual({ apiKeys: 2, backtests: 5, logs: 4 });

    const target = fresh();
    const result = await importLines(target, from(lines));
    expect(result).toEqual({
      expected: counts,
      imported: counts,
      skipped: { apiKeys: 0, backtests: 0, logs: 0 },
    });
    expect(await contents(target)).toEqual(await contents(source));
    // The idempotency key came along: a retried submit still finds its backtest.
    const again = await target.createBacktest({
      ownerId: 'alice',
      name: 'b0',
      tags: [],
      config: (await contents(source)).backtests.find((r) => r.name === 'b0')!.config,
      fingerprint: 'fp-0',
      idempotencyKey: 'key-0',
    });
    expect(again.created).toBe(false);
    await Promise.all([source.close(), target.close()]);
  });

  it('finishes an interrupted import on the next run, skipping what is there', async () => {
    const source = await populated();
    const lines = await collect(exportLines(source));
    const target = fresh();
    // Cut off after the header, both keys and two backtests.
    await expect(importLines(target, from(lines.slice(0, 5)))).rejects.toThrow(
      /no trailer after line 5/,
    );
    const result = await importLines(target, from(lines));
    // Backtests are exported in id order, so which two came first (and their logs) varies.
    const logsIn = (part: string[]) =>
      part.reduce((n, line) => n + (JSON.parse(line).logs?.length ?? 0), 0);
    const firstLogs = logsIn(lines.slice(3, 5));
    expect(result.skipped).toEqual({ apiKeys: 2, backtests: 2, logs: firstLogs });
    expect(result.imported).toEqual({ apiKeys: 0, backtests: 3, logs: 4 - firstLogs });
    expect(await contents(target)).toEqual(await contents(source));
    await Promise.all([source.close(), target.close()]);
  });

  it('refuses a file whose trailer disagrees with its lines, or one without a header', async () => {
    const source = await populated();
    const lines = await collect(exportLines(source));
    const withoutOne = [...lines.slice(0, 3), ...lines.slice(4)];
    await expect(importLines(fresh(), from(withoutOne))).rejects.toThrow(
      /backtests: the trailer says 5, the file has 4/,
    );
    await expect(importLines(fresh(), from(lines.slice(1)))).rejects.toThrow(TransferError);
    await source.close();
  });
});
