import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '@hindsight/service';
import { createStore } from '@hindsight/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { storeCommand } from './store.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hindsight-cli-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(argv: string[]) {
  return runInProcess(storeCommand, argv);
}

describe('hindsight store', () => {
  it('exports one SQLite DATA_ROOT and imports it into another, then skips on a rerun', async () => {
    const source = join(root, 'source');
    const store = await createStore({ dataRoot: source });
    const { record } = await store.createBacktest({
      ownerId: 'alice',
      name: 'demo',
      tags: [],
      config: {
        strategy: { name: 'sma_crossover', params: {} },
        symbols: ['GOOG'],
        timeframe: '1d',
        start: '2004-08-19',
        end: '2013-03-01',
      } as never,
      fingerprint: 'fp',
      idempotencyKey: null,
    });
    await store.appendLogs(record.id, [{ ts: record.createdAt, level: 'info', message: 'hi' }]);
    await store.createApiKey({ keyHash: 'h', userId: 'alice', tier: 'free', admin: false });
    const hook = await store.createWebhook({
      ownerId: 'alice',
      url: 'https://hooks.example.com/in',
      events: ['sweep.completed'],
      description: null,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    await store.putNotificationSettings('alice', {
      email: 'alice@example.com',
      events: ['sweep.failed'],
    });
    await store.close();

    const file = join(root, 'dump.jsonl');
    const exported = await run(['export', '--out', file, '--data-root', source]);
    expect(exported).toEqual({
      code: 0,
      stdout: `exported 1 backtests, 1 log lines, 1 API keys, 1 webhooks, 1 notification settings to ${file}\n`,
      stderr: '',
    });
    // Header, key, webhook, settings, backtest, trailer.
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(6);

    const target = join(root, 'target');
    const first = await run(['import', '--in', file, '--data-root', target]);
    expect(first.code, first.stderr).toBe(0);
    const all = '1 backtests, 1 log lines, 1 API keys, 1 webhooks, 1 notification settings';
    expect(first.stdout).toContain(`imported ${all}\n`);
    const second = await run(['import', '--in', file, '--data-root', target]);
    expect(second.stdout).toContain(`skipped (already present) ${all}`);

    const copy = await createStore({ dataRoot: target });
    expect(await copy.getBacktest(record.id)).toEqual(
      await createStore({ dataRoot: source }).then(async (s) => {
        const original = await s.getBacktest(record.id);
        await s.close();
        return original;
      }),
    );
    // A message the imported copy signs verifies with the secret the receiver was given.
    const imported = await copy.getWebhook(hook.id);
    const body = '{"type":"sweep.completed"}';
    expect(signWebhook(imported!.secret, 'msg_1', 1_700_000_000, body)).toBe(
      signWebhook(hook.secret, 'msg_1', 1_700_000_000, body),
    );
    expect(await copy.getNotificationSettings('alice')).toMatchObject({
      email: 'alice@example.com',
      events: ['sweep.failed'],
    });
    await copy.close();
  });

  it('exits 1 naming the problem for a file cut short and for a missing option', async () => {
    const file = join(root, 'dump.jsonl');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const cut = join(root, 'cut.jsonl');
    await writeFile(cut, `${lines.slice(0, -1).join('\n')}\n`);
    const result = await run(['import', '--in', cut, '--data-root', join(root, 'cut')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight store: no trailer after line 5/);
    expect((await run(['export'])).stderr).toBe('hindsight store: export needs --out FILE.jsonl\n');
  });
});
