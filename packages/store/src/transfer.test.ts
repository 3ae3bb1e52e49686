import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestRecord } from '@hindsight/models';
import { parseBacktestRequest } from '@hindsight/models';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { emptyTransferCounts, exportLines, importLines, TransferError } from './transfer.js';

const temp = mkdtempSync(join(tmpdir(), 'hindsight-transfer-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let files = 0;
const fresh = () => SqliteStore.open(join(temp, `store-${++files}.sqlite`));

/**
 * 5 backtests in three states, 2 log lines on each odd one, 2 API keys, 2 webhooks (one
 * disabled) and one user's e-mail settings.
 */
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
  await store.createWebhook({
    ownerId: 'alice',
    url: 'https://hooks.example.com/a',
    events: ['backtest.completed', 'sweep.completed'],
    description: 'CI',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  });
  const dead = await store.createWebhook({
    ownerId: 'bob',
    url: 'https://hooks.example.com/b',
    events: ['sweep.failed'],
    description: null,
    secret: 'whsec_c2Vjb25kIHNlY3JldCBieXRlcyBoZXJl',
  });
  await store.disableWebhook(dead.id, 'failed for a day');
  await store.putNotificationSettings('alice', {
    email: 'alice@example.com',
    events: ['backtest.failed', 'sweep.completed'],
  });
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
  return {
    backtests,
    logs,
    apiKeys: await store.listApiKeys(),
    webhooks: await store.listAllWebhooks(),
    settings: await store.listAllNotificationSettings(),
  };
}

describe('store export and import', () => {
  it('copies every backtest, log line, API key, webhook and e-mail setting exactly, and counts them', async () => {
    const source = await populated();
    const counts = emptyTransferCounts();
    const lines = await collect(exportLines(source, counts));
    // A header, 2 keys, 2 webhooks, 1 settings, 5 backtests, a trailer; 2 log lines on each of
    // backtests 1 and 3.
    expect(lines).toHaveLength(1 + 2 + 2 + 1 + 5 + 1);
    expect(counts).toEqual({
      apiKeys: 2,
      webhooks: 2,
      notificationSettings: 1,
      backtests: 5,
      logs: 4,
    });

    const target = fresh();
    const result = await importLines(target, from(lines));
    expect(result).toEqual({ expected: counts, imported: counts, skipped: emptyTransferCounts() });
    expect(await contents(target)).toEqual(await contents(source));
    // Secrets come along, so messages the copy signs verify with what receivers hold; the
    // disabled subscription stays disabled, and alice's e-mail still goes out.
    const hooks = await target.listAllWebhooks();
    expect(hooks.map((h) => [h.secret, h.enabled])).toEqual(
      (await source.listAllWebhooks()).map((h) => [h.secret, h.enabled]),
    );
    expect(await target.notificationTargets('alice', 'sweep.completed')).toEqual({
      webhookIds: [hooks.find((h) => h.ownerId === 'alice')!.id],
      email: 'alice@example.com',
    });
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
    // Cut off after the header, both keys, both webhooks, the settings and two backtests.
    await expect(importLines(target, from(lines.slice(0, 8)))).rejects.toThrow(
      /no trailer after line 8/,
    );
    const result = await importLines(target, from(lines));
    // Backtests are exported in id order, so which two came first (and their logs) varies.
    const logsIn = (part: string[]) =>
      part.reduce((n, line) => n + (JSON.parse(line).logs?.length ?? 0), 0);
    const firstLogs = logsIn(lines.slice(6, 8));
    expect(result.skipped).toEqual({
      apiKeys: 2,
      webhooks: 2,
      notificationSettings: 1,
      backtests: 2,
      logs: firstLogs,
    });
    expect(result.imported).toEqual({
      ...emptyTransferCounts(),
      backtests: 3,
      logs: 4 - firstLogs,
    });
    expect(await contents(target)).toEqual(await contents(source));
    await Promise.all([source.close(), target.close()]);
  });

  it('refuses a file whose trailer disagrees with its lines, or one without a header', async () => {
    const source = await populated();
    const lines = await collect(exportLines(source));
    const withoutOne = [...lines.slice(0, 6), ...lines.slice(7)];
    await expect(importLines(fresh(), from(withoutOne))).rejects.toThrow(
      /backtests: the trailer says 5, the file has 4/,
    );
    await expect(importLines(fresh(), from(lines.slice(1)))).rejects.toThrow(TransferError);
    await source.close();
  });

  it('still imports a version 1 file, which holds no webhooks or settings', async () => {
    const source = await populated();
    const lines = (await collect(exportLines(source)))
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind !== 'webhook' && line.kind !== 'notificationSettings')
      .map((line) => {
        if (line.kind === 'header') return JSON.stringify({ ...line, version: 1 });
        if (line.kind === 'trailer') {
          const { apiKeys, backtests, logs } = line.counts;
          return JSON.stringify({ ...line, counts: { apiKeys, backtests, logs } });
        }
        return JSON.stringify(line);
      });
    const target = fresh();
    const result = await importLines(target, from(lines));
    expect(result.imported).toEqual({
      ...emptyTransferCounts(),
      apiKeys: 2,
      backtests: 5,
      logs: 4,
    });
    expect(await target.listAllWebhooks()).toEqual([]);
    await Promise.all([source.close(), target.close()]);
  });
});
