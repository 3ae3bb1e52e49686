/**
 * One of the processes of sqlite-store.test.ts's multi-process test. Waits for "go" on stdin so
 * that every process starts at once, then opens the store (a fresh file: the schema is created
 * concurrently too) and races the others on the same backtests. Prints one JSON line of results.
 */
import { createInterface } from 'node:readline';
import { parseBacktestRequest } from '@hindsight/models';
import { SqliteStore } from './sqlite-store.js';

const [file, label, roundsText] = process.argv.slice(2);
if (!file || !label || !roundsText) {
  throw new Error('usage: sqlite-store.child.ts <file> <label> <rounds>');
}
const rounds = Number(roundsText);
const config = parseBacktestRequest({
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
});

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line === 'go') break;
}
lines.close();

const result = {
  label,
  shared: [] as { key: string; id: string; created: boolean; won: boolean }[],
  own: 0,
  errors: [] as string[],
};
const startedAt = Date.now();
let store: SqliteStore | undefined;
try {
  store = SqliteStore.open(file);
  for (let i = 0; i < rounds; i++) {
    const key = `shared-${i}`;
    // Both processes submit with the same key: one backtest results, known to both.
    const { record, created } = await store.createBacktest({
      ownerId: 'racer',
      name: key,
      tags: [],
      config,
      fingerprint: 'fp',
      idempotencyKey: key,
    });
    await store.transition(record.id, { from: ['queued'], to: 'running' });
    await store.setProgress(record.id, 0.5, 'simulation');
    await store.appendLogs(record.id, [
      { ts: new Date().toISOString(), level: 'info', message: `${label} ${i}` },
    ]);
    const won = await store.complete(record.id, {
      returnPct: null,
      sharpeRatio: null,
      maxDrawdownPct: null,
      trades: i,
      winRatePct: null,
      equityFinal: label === 'a' ? 1 : 2,
    });
    result.shared.push({ key, id: record.id, created, won });
    await store.createBacktest({
      ownerId: `owner-${label}`,
      name: `${label}-${i}`,
      tags: [],
      config,
      fingerprint: 'fp',
      idempotencyKey: null,
    });
    result.own += 1;
  }
} catch (error) {
  result.errors.push(String((error as Error)?.stack ?? error));
} finally {
  await store?.close();
}
process.stdout.write(`${JSON.stringify({ ...result, startedAt, endedAt: Date.now() })}\n`);
