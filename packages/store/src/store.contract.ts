import { computePerformanceStats } from '@hindsight/metrics';
import type { BacktestRequest, BacktestSort, ListBacktestsQuery } from '@hindsight/models';
import {
  BACKTEST_STATUSES,
  BacktestRecord,
  type BacktestSummary,
  ExecutionLogLine,
  isHindsightError,
  isId,
  NotificationSettings,
  newId,
  parseBacktestRequest,
  Webhook,
  WebhookDelivery,
  type WebhookRecord,
} from '@hindsight/models';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewBacktest, NewWebhook, Store } from './store.js';
import { sweepStoreContract } from './sweep.contract.js';

export interface StoreHarness {
  store: Store;
  /** Closes the store and removes what it wrote. */
  cleanup(): Promise<void>;
}

const SUMMARY: BacktestSummary = {
  returnPct: 12.5,
  sharpeRatio: 0.8,
  maxDrawdownPct: -7.25,
  trades: 14,
  winRatePct: 57.14,
  equityFinal: 112_500,
};

function config(overrides: Partial<BacktestRequest> = {}): BacktestRequest {
  return parseBacktestRequest({
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: ['GOOG'],
    start: '2004-08-19',
    end: '2013-03-01',
    ...overrides,
  });
}

function newBacktest(ownerId: string, overrides: Partial<NewBacktest> = {}): NewBacktest {
  return {
    ownerId,
    name: 'GOOG 10/30',
    tags: [],
    config: config(),
    fingerprint: 'fp-default',
    idempotencyKey: null,
    ...overrides,
  };
}

function query(overrides: Partial<ListBacktestsQuery> = {}): ListBacktestsQuery {
  return { sort: '-createdAt', limit: 20, ...overrides };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isHindsightError(error)) return error.code;
    throw error;
  }
  return 'resolved';
}

function withoutOwnerAndSecret(record: WebhookRecord): Webhook {
  const { ownerId: _owner, secret: _secret, ...view } = record;
  return view;
}

function delivery(webhookId: string, attempt: number, at = '2026-01-01T00:00:00Z') {
  return {
    webhookId,
    messageId: `msg_${webhookId}`,
    event: 'backtest.completed' as const,
    backtestId: newId() as string | null,
    sweepId: null as string | null,
    attempt,
    at,
    statusCode: 500,
    error: 'the receiver answered 500',
    durationMs: 12.5,
    ok: false,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every page of a listing, following nextCursor until it is null. */
async function allPages(store: Store, ownerId: string, q: ListBacktestsQuery) {
  const pages: BacktestRecord[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listBacktests(ownerId, cursor === undefined ? q : { ...q, cursor });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
    expect(pages.length, 'pagination must end').toBeLessThan(100);
  }
}

/** The order a sort promises, computed here independently: by code point, ties by id. */
function expectedOrder(records: BacktestRecord[], sort: BacktestSort): string[] {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as 'createdAt' | 'name' | 'status';
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...records]
    .sort((a, b) => {
      const order = compare(a[field], b[field]) || compare(a.id, b.id);
      return descending ? -order : order;
    })
    .map((record) => record.id);
}

/**
 * The behaviour every Store adapter must show. `open` runs once for the suite; each test works
 * under owners of its own, so tests never see each other's backtests.
 */
export function storeContract(open: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;
  beforeAll(async () => {
    harness = await open();
    store = harness.store;
  });
  afterAll(async () => {
    await harness?.cleanup();
  });

  describe('createBacktest and getBacktest', () => {
    it('writes a queued record that matches the BacktestRecord schema', async () => {
      const owner = newId();
      const before = new Date().toISOString();
      const { record, created } = await store.createBacktest(
        newBacktest(owner, { tags: ['demo'], idempotencyKey: 'k1' }),
      );
      expect(created).toBe(true);
      expect(isId(record.id)).toBe(true);
      expect(record).toMatchObject({
        ownerId: owner,
        name: 'GOOG 10/30',
        tags: ['demo'],
        status: 'queued',
        progress: 0,
        step: null,
        startedAt: null,
        finishedAt: null,
        summary: null,
        error: null,
        fingerprint: 'fp-default',
        idempotencyKey: 'k1',
        attempts: 0,
      });
      expect(record.config).toEqual(config());
      expect(record.createdAt >= before).toBe(true);
      expect(record.queuedAt).toBe(record.createdAt);
      expect(record.updatedAt).toBe(record.createdAt);
      expect([...Value.Errors(BacktestRecord, record)]).toEqual([]);
      expect(await store.getBacktest(record.id)).toEqual(record);
    });

    it('keeps an empty params object and the whole config as written', async () => {
      const written = config({ strategy: { name: 'buy_and_hold', params: {} }, stopLossPct: 5 });
      const { record } = await store.createBacktest(newBacktest(newId(), { config: written }));
      expect((await store.getBacktest(record.id))?.config).toEqual(written);
    });

    it('answers null for an unknown id', async () => {
      expect(await store.getBacktest(newId())).toBeNull();
    });
  });

  describe('idempotency keys', () => {
    it('return the earlier backtest when the same owner reuses a key', async () => {
      const owner = newId();
      const first = await store.createBacktest(newBacktest(owner, { idempotencyKey: 'same' }));
      const again = await store.createBacktest(newBacktest(owner, { idempotencyKey: 'same' }));
      expect(again).toEqual({ record: first.record, created: false });
      const page = await store.listBacktests(owner, query());
      expect(page.items.map((r) => r.id)).toEqual([first.record.id]);
    });

    it("are scoped to the owner: another owner's key makes another backtest", async () => {
      const a = await store.createBacktest(newBacktest(newId(), { idempotencyKey: 'shared' }));
      const b = await store.createBacktest(newBacktest(newId(), { idempotencyKey: 'shared' }));
      expect(b.created).toBe(true);
      expect(b.record.id).not.toBe(a.record.id);
    });

    it('refuse a reused key with a different request', async () => {
      const owner = newId();
      await store.createBacktest(newBacktest(owner, { idempotencyKey: 'k' }));
      const reuse = store.createBacktest(
        newBacktest(owner, { idempotencyKey: 'k', fingerprint: 'fp-other' }),
      );
      expect(await codeOf(reuse)).toBe('HS_ERR_IDEMPOTENCY_MISMATCH');
    });

    it('make one backtest of concurrent submits with one key', async () => {
      const owner = newId();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.createBacktest(newBacktest(owner, { idempotencyKey: 'burst' })),
        ),
      );
      expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('never apply without a key', async () => {
      const owner = newId();
      const a = await store.createBacktest(newBacktest(owner));
      const b = await store.createBacktest(newBacktest(owner));
      expect([a.created, b.created]).toEqual([true, true]);
      expect(a.record.id).not.toBe(b.record.id);
    });
  });

  describe('listBacktests', () => {
    it("never shows another owner's backtests", async () => {
      const alice = newId();
      const bob = newId();
      const mine = await store.createBacktest(newBacktest(alice, { tags: ['x'] }));
      await store.createBacktest(newBacktest(bob, { tags: ['x'] }));
      const page = await store.listBacktests(alice, query({ tag: 'x' }));
      expect(page.items.map((r) => r.id)).toEqual([mine.record.id]);
      expect(await store.listBacktests(newId(), query())).toEqual({
        items: [],
        nextCursor: null,
        total: 0,
      });
    });

    it('filters by status, strategy, symbol, tag and creation range', async () => {
      const owner = newId();
      const make = (overrides: Partial<NewBacktest>) =>
        store.createBacktest(newBacktest(owner, overrides)).then((r) => r.record);
      const sma = await make({ tags: ['a', 'b'] });
      await sleep(5);
      const rsi = await make({
        config: config({
          strategy: { name: 'rsi_mean_reversion', params: {} },
          symbols: ['synthetic:DEMO', 'GOOG'],
        }),
        tags: ['b'],
      });
      await sleep(5);
      const hold = await make({
        config: config({ strategy: { name: 'buy_and_hold', params: {} }, symbols: ['MSFT'] }),
      });
      await store.transition(hold.id, { from: ['queued'], to: 'running' });

      const ids = async (q: Partial<ListBacktestsQuery>) =>
        (await store.listBacktests(owner, query({ ...q, sort: 'createdAt' }))).items.map(
          (r) => r.id,
        );
      expect(await ids({ status: 'running' })).toEqual([hold.id]);
      expect(await ids({ status: 'queued' })).toEqual([sma.id, rsi.id]);
      expect(await ids({ strategy: 'rsi_mean_reversion' })).toEqual([rsi.id]);
      expect(await ids({ symbol: 'GOOG' })).toEqual([sma.id, rsi.id]);
      expect(await ids({ symbol: 'synthetic:DEMO' })).toEqual([rsi.id]);
      expect(await ids({ tag: 'b' })).toEqual([sma.id, rsi.id]);
      expect(await ids({ tag: 'a' })).toEqual([sma.id]);
      expect(await ids({ createdFrom: rsi.createdAt })).toEqual([rsi.id, hold.id]);
      expect(await ids({ createdTo: rsi.createdAt })).toEqual([sma.id]);
      expect(await ids({ createdFrom: rsi.createdAt, createdTo: hold.createdAt })).toEqual([
        rsi.id,
      ]);
      expect(await ids({ symbol: 'GOOG', tag: 'a', status: 'queued' })).toEqual([sma.id]);
      expect(await ids({ strategy: 'nope' })).toEqual([]);
    });

    it('reads a creation bound with an offset as the instant it names', async () => {
      const owner = newId();
      const { record } = await store.createBacktest(newBacktest(owner));
      const created = new Date(record.createdAt);
      // The same instant one hour east of UTC.
      const east = new Date(created.getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
      const q = query({ createdFrom: east });
      expect((await store.listBacktests(owner, q)).items.map((r) => r.id)).toEqual([record.id]);
    });

    for (const sort of ['createdAt', '-createdAt', 'name', 'status'] as const) {
      it(`pages through more than two pages sorted by ${sort}, stable and without overlap`, async () => {
        const owner = newId();
        const names = ['delta', 'alpha', 'charlie', 'alpha', 'bravo', 'alpha', 'echo'];
        const made: string[] = [];
        for (const name of names) {
          made.push((await store.createBacktest(newBacktest(owner, { name }))).record.id);
        }
        // Statuses with ties, so the id must break them.
        await store.transition(made[1]!, { from: ['queued'], to: 'running' });
        await store.transition(made[4]!, { from: ['queued'], to: 'running' });
        await store.transition(made[6]!, { from: ['queued'], to: 'cancelled' });
        const records = (await Promise.all(made.map((id) => store.getBacktest(id)))).map((r) => r!);

        const pages = await allPages(store, owner, query({ sort, limit: 3 }));
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        const listed = pages.flat().map((r) => r.id);
        expect(listed).toEqual(expectedOrder(records, sort));
        expect(await allPages(store, owner, query({ sort, limit: 3 })), 'same pages again').toEqual(
          pages,
        );
      });
    }

    it('counts every backtest matching the filters on every page', async () => {
      const owner = newId();
      for (const tags of [['x'], ['x'], ['x'], ['y']]) {
        await store.createBacktest(newBacktest(owner, { tags }));
      }
      const first = await store.listBacktests(owner, query({ tag: 'x', limit: 2 }));
      expect(first.total).toBe(3);
      const second = await store.listBacktests(
        owner,
        query({ tag: 'x', limit: 2, cursor: first.nextCursor! }),
      );
      expect(second.items).toHaveLength(1);
      expect(second.total, 'the cursor does not change the count').toBe(3);
    });

    for (const sort of ['returnPct', '-returnPct'] as const) {
      it(`pages by a statistic (${sort}) with ties by id and runs without one last`, async () => {
        const owner = newId();
        const returns = [5, null, -3, 5, 12, undefined, 0];
        const made: Array<{ id: string; value: number | null }> = [];
        for (const returnPct of returns) {
          const { record } = await store.createBacktest(newBacktest(owner));
          // undefined: never completed, so no summary at all.
          if (returnPct !== undefined) {
            await store.complete(record.id, {
              returnPct,
              sharpeRatio: null,
              maxDrawdownPct: null,
              trades: 1,
              winRatePct: null,
              equityFinal: 100,
            });
          }
          made.push({ id: record.id, value: returnPct ?? null });
        }
        const descending = sort.startsWith('-');
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        const withValue = made
          .filter((m) => m.value !== null)
          .sort((a, b) => (a.value! - b.value! || (a.id < b.id ? -1 : 1)) * (descending ? -1 : 1));
        const without = made
          .filter((m) => m.value === null)
          .sort((a, b) => byId(a, b) * (descending ? -1 : 1));
        const pages = await allPages(store, owner, query({ sort, limit: 3 }));
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((r) => r.id)).toEqual([...withValue, ...without].map((m) => m.id));
      });
    }

    it('ends on an exactly full last page with a null cursor', async () => {
      const owner = newId();
      for (let i = 0; i < 4; i++) await store.createBacktest(newBacktest(owner));
      const pages = await allPages(store, owner, query({ limit: 2 }));
      expect(pages.map((page) => page.length)).toEqual([2, 2]);
    });

    it('refuses a cursor it did not make, or one made for another sort', async () => {
      const owner = newId();
      for (let i = 0; i < 3; i++) await store.createBacktest(newBacktest(owner));
      const first = await store.listBacktests(owner, query({ sort: 'name', limit: 1 }));
      expect(first.nextCursor).not.toBeNull();
      const otherSort = store.listBacktests(
        owner,
        query({ sort: 'status', cursor: first.nextCursor! }),
      );
      expect(await codeOf(otherSort)).toBe('HS_ERR_BAD_CURSOR');
      const garbage = store.listBacktests(owner, query({ cursor: 'not-a-cursor' }));
      expect(await codeOf(garbage)).toBe('HS_ERR_BAD_CURSOR');
    });

    it('refuses a page size outside [1, 100]', async () => {
      expect(await codeOf(store.listBacktests(newId(), query({ limit: 0 })))).toBe(
        'HS_ERR_VALIDATION',
      );
      expect(await codeOf(store.listBacktests(newId(), query({ limit: 101 })))).toBe(
        'HS_ERR_VALIDATION',
      );
    });
  });

  describe('status transitions', () => {
    it('stamps startedAt and counts attempts on entering running, finishedAt on ending', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      const running = await store.transition(record.id, {
        from: ['queued'],
        to: 'running',
        patch: { step: 'data', progress: 0 },
      });
      expect(running).toMatchObject({ status: 'running', step: 'data', attempts: 1 });
      expect(running!.startedAt).not.toBeNull();
      expect(running!.finishedAt).toBeNull();
      expect(running!.updatedAt >= record.updatedAt).toBe(true);

      const retried = await store.transition(record.id, { from: ['running'], to: 'running' });
      expect(retried?.attempts, 'a retry is another attempt').toBe(2);

      const failure = { code: 'HS_ERR_INTERNAL', message: 'worker lost' };
      const failed = await store.transition(record.id, {
        from: ['running'],
        to: 'failed',
        patch: { error: failure },
      });
      expect(failed).toMatchObject({ status: 'failed', error: failure });
      expect(failed!.finishedAt).not.toBeNull();
      expect(await store.getBacktest(record.id)).toEqual(failed);
    });

    it('does not apply when the status is not one of from', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      expect(await store.transition(record.id, { from: ['running'], to: 'completed' })).toBeNull();
      expect(await store.getBacktest(record.id)).toEqual(record);
      expect(await store.transition(newId(), { from: ['queued'], to: 'running' })).toBeNull();
    });

    for (const terminal of ['completed', 'failed', 'cancelled'] as const) {
      it(`never changes a ${terminal} backtest again, even when asked to from ${terminal}`, async () => {
        const { record } = await store.createBacktest(newBacktest(newId()));
        const ended = await store.transition(record.id, {
          from: ['queued'],
          to: terminal,
          patch: terminal === 'completed' ? { summary: SUMMARY, progress: 1 } : {},
        });
        expect(ended?.status).toBe(terminal);
        for (const to of BACKTEST_STATUSES) {
          const attempt = await store.transition(record.id, {
            from: [...BACKTEST_STATUSES],
            to,
            patch: { progress: 0.5, error: { code: 'X', message: 'late' } },
          });
          expect(attempt, `${terminal} -> ${to}`).toBeNull();
        }
        expect(await store.setProgress(record.id, 0.3, 'simulation')).toBe(false);
        expect(await store.complete(record.id, SUMMARY)).toBe(false);
        expect(await store.getBacktest(record.id)).toEqual(ended);
      });
    }

    it('records progress and step while running, and only a number in [0, 1]', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.transition(record.id, { from: ['queued'], to: 'running' });
      expect(await store.setProgress(record.id, 0.42, 'indicators')).toBe(true);
      expect(await store.getBacktest(record.id)).toMatchObject({
        progress: 0.42,
        step: 'indicators',
      });
      for (const bad of [1.5, -0.1, Number.NaN]) {
        expect(await codeOf(store.setProgress(record.id, bad, 'data')), String(bad)).toBe(
          'HS_ERR_VALIDATION',
        );
      }
      expect(await store.setProgress(newId(), 0.5, 'data')).toBe(false);
    });
  });

  describe('complete', () => {
    it('completes once with the summary and progress 1; a second call is a no-op', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.transition(record.id, { from: ['queued'], to: 'running' });
      expect(await store.complete(record.id, SUMMARY)).toBe(true);
      const done = await store.getBacktest(record.id);
      expect(done).toMatchObject({ status: 'completed', progress: 1, summary: SUMMARY });
      expect(done!.finishedAt).not.toBeNull();
      expect(await store.complete(record.id, { ...SUMMARY, returnPct: -1 })).toBe(false);
      expect(await store.getBacktest(record.id)).toEqual(done);
    });

    it('lets exactly one of many concurrent completes win', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.transition(record.id, { from: ['queued'], to: 'running' });
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.complete(record.id, { ...SUMMARY, equityFinal: i }),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins.indexOf(true);
      expect((await store.getBacktest(record.id))?.summary?.equityFinal).toBe(winner);
    });

    it('settles a race of complete against cancel on whichever wrote first', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.transition(record.id, { from: ['queued'], to: 'running' });
      const [completed, cancelled] = await Promise.all([
        store.complete(record.id, SUMMARY),
        store.transition(record.id, { from: ['queued', 'running'], to: 'cancelled' }),
      ]);
      expect(Number(completed) + Number(cancelled !== null), 'exactly one wins').toBe(1);
      const final = await store.getBacktest(record.id);
      expect(final?.status).toBe(completed ? 'completed' : 'cancelled');
    });
  });

  describe('findCompletedByFingerprint and countActive', () => {
    it('finds the latest completed backtest with the fingerprint, of any owner', async () => {
      const fingerprint = `fp-${newId()}`;
      expect(await store.findCompletedByFingerprint(fingerprint)).toBeNull();
      const queued = await store.createBacktest(newBacktest(newId(), { fingerprint }));
      expect(await store.findCompletedByFingerprint(fingerprint), 'queued is no result').toBeNull();
      const older = await store.createBacktest(newBacktest(newId(), { fingerprint }));
      await store.complete(older.record.id, SUMMARY);
      await sleep(5);
      const newer = await store.createBacktest(newBacktest(newId(), { fingerprint }));
      await store.complete(newer.record.id, SUMMARY);
      expect((await store.findCompletedByFingerprint(fingerprint))?.id).toBe(newer.record.id);
      expect(queued.record.status).toBe('queued');
    });

    it('counts only queued and running backtests of the owner', async () => {
      const owner = newId();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push((await store.createBacktest(newBacktest(owner))).record.id);
      await store.createBacktest(newBacktest(newId()));
      await store.transition(ids[0]!, { from: ['queued'], to: 'running' });
      await store.complete(ids[1]!, SUMMARY);
      await store.transition(ids[2]!, { from: ['queued'], to: 'cancelled' });
      expect(await store.countActive(owner)).toBe(2);
    });
  });

  describe('deleteBacktest', () => {
    it('removes the record and its log lines', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.appendLogs(record.id, [{ ts: record.createdAt, level: 'info', message: 'hi' }]);
      expect(await store.deleteBacktest(record.id)).toBe(true);
      expect(await store.getBacktest(record.id)).toBeNull();
      expect(await store.getLogs(record.id, { limit: 10 })).toEqual([]);
      expect(await store.deleteBacktest(record.id)).toBe(false);
      expect(await codeOf(store.appendLogs(record.id, []))).toBe('HS_ERR_NOT_FOUND');
    });
  });

  describe('logs', () => {
    const line = (message: string, level: ExecutionLogLine['level'] = 'info') => ({
      ts: new Date().toISOString(),
      level,
      message,
    });

    it('number lines 1, 2, 3... in the order appended and read them back in order', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      const first = await store.appendLogs(record.id, [line('a'), line('b', 'warn')]);
      const second = await store.appendLogs(record.id, [line('c', 'error')]);
      expect([...first, ...second].map((l) => [l.seq, l.message])).toEqual([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]);
      const read = await store.getLogs(record.id, { limit: 100 });
      expect(read).toEqual([...first, ...second]);
      for (const stored of read) expect([...Value.Errors(ExecutionLogLine, stored)]).toEqual([]);
      expect((await store.getLogs(record.id, { afterSeq: 1, limit: 1 })).map((l) => l.seq)).toEqual(
        [2],
      );
      expect(await store.getLogs(record.id, { afterSeq: 3, limit: 10 })).toEqual([]);
    });

    it('keep only lines of a minimum level or more severe, paging by seq', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      await store.appendLogs(record.id, [
        line('a', 'debug'),
        line('b', 'info'),
        line('c', 'warn'),
        line('d', 'debug'),
        line('e', 'error'),
      ]);
      const messages = async (query: Parameters<Store['getLogs']>[1]) =>
        (await store.getLogs(record.id, query)).map((l) => l.message);
      expect(await messages({ minLevel: 'warn', limit: 10 })).toEqual(['c', 'e']);
      expect(await messages({ minLevel: 'info', limit: 1 })).toEqual(['b']);
      expect(await messages({ minLevel: 'info', afterSeq: 2, limit: 10 })).toEqual(['c', 'e']);
      expect(await messages({ minLevel: 'debug', limit: 10 })).toHaveLength(5);
    });

    it('give concurrent appenders distinct, gapless seqs, each batch contiguous', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      const batches = await Promise.all(
        Array.from({ length: 10 }, (_, b) =>
          store.appendLogs(record.id, [line(`${b}.0`), line(`${b}.1`), line(`${b}.2`)]),
        ),
      );
      for (const batch of batches) {
        expect(batch.map((l) => l.seq - batch[0]!.seq)).toEqual([0, 1, 2]);
      }
      const seqs = (await store.getLogs(record.id, { limit: 1000 })).map((l) => l.seq);
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('cut an overlong message to 4000 characters', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      const [stored] = await store.appendLogs(record.id, [line('x'.repeat(5000))]);
      expect(stored?.message).toHaveLength(4000);
      expect((await store.getLogs(record.id, { limit: 1 }))[0]?.message).toHaveLength(4000);
    });

    it('store the time as toISOString writes it, and refuse a line with a bad time', async () => {
      const { record } = await store.createBacktest(newBacktest(newId()));
      const [stored] = await store.appendLogs(record.id, [
        { ts: '2024-05-01T14:30:00+02:00', level: 'debug', message: 'x' },
      ]);
      expect(stored?.ts).toBe('2024-05-01T12:30:00.000Z');
      expect((await store.getLogs(record.id, { limit: 1 }))[0]?.ts).toBe(stored?.ts);
      const bad = store.appendLogs(record.id, [{ ts: 'soon', level: 'info', message: 'y' }]);
      expect(await codeOf(bad)).toBe('HS_ERR_VALIDATION');
      const next = await store.appendLogs(record.id, [line('z')]);
      expect(next[0]?.seq, 'the refused line used no seq').toBe(2);
    });

    it('refuse to append to an unknown backtest', async () => {
      expect(await codeOf(store.appendLogs(newId(), [line('x')]))).toBe('HS_ERR_NOT_FOUND');
    });
  });

  describe('API keys', () => {
    it('store a key by its hash, find it, count it and refuse the hash twice', async () => {
      const before = await store.countApiKeys();
      const keyHash = `sha256-${newId()}`;
      const key = await store.createApiKey({ keyHash, userId: 'u1', tier: 'pro', admin: true });
      expect(key).toMatchObject({ keyHash, userId: 'u1', tier: 'pro', admin: true });
      expect(isId(key.id)).toBe(true);
      expect(await store.findApiKeyByHash(keyHash)).toEqual(key);
      expect(await store.findApiKeyByHash(`${keyHash}-other`)).toBeNull();
      expect(await store.countApiKeys()).toBe(before + 1);
      const again = store.createApiKey({ keyHash, userId: 'u2', tier: 'free', admin: false });
      expect(await codeOf(again)).toBe('HS_ERR_CONFLICT');
      expect(await store.countApiKeys()).toBe(before + 1);
    });
  });

  describe('listSummaries', () => {
    it("lists the owner's backtests oldest first with returns of completed ones only", async () => {
      const owner = newId();
      const a = (await store.createBacktest(newBacktest(owner))).record;
      await sleep(5);
      const b = (await store.createBacktest(newBacktest(owner))).record;
      await sleep(5);
      const c = (await store.createBacktest(newBacktest(owner))).record;
      await store.createBacktest(newBacktest(newId()));
      await store.complete(a.id, SUMMARY);
      await store.complete(b.id, { ...SUMMARY, returnPct: -2.5 });
      await store.transition(c.id, {
        from: ['queued'],
        to: 'failed',
        patch: { error: { code: 'HS_ERR_INTERNAL', message: 'x' } },
      });

      const rows = await store.listSummaries(owner);
      expect(rows).toEqual([
        {
          id: a.id,
          status: 'completed',
          strategy: 'sma_crossover',
          createdAt: a.createdAt,
          returnPct: 12.5,
        },
        {
          id: b.id,
          status: 'completed',
          strategy: 'sma_crossover',
          createdAt: b.createdAt,
          returnPct: -2.5,
        },
        {
          id: c.id,
          status: 'failed',
          strategy: 'sma_crossover',
          createdAt: c.createdAt,
          returnPct: null,
        },
      ]);
      expect((await store.listSummaries(owner, { from: b.createdAt })).map((r) => r.id)).toEqual([
        b.id,
        c.id,
      ]);
      expect((await store.listSummaries(owner, { to: b.createdAt })).map((r) => r.id)).toEqual([
        a.id,
      ]);
      // 2 completed of 3 finished; mean return (12.5 - 2.5) / 2 = 5.
      const stats = computePerformanceStats(rows);
      expect(stats.successRate).toBeCloseTo(2 / 3, 12);
      expect(stats.returns.averagePct).toBe(5);
    });
  });

  describe('export and restore', () => {
    it('scanBacktests pages through every owner in id order, each record once', async () => {
      for (const owner of ['scan-a', 'scan-b']) {
        for (let i = 0; i < 3; i++) await store.createBacktest(newBacktest(owner));
      }
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: BacktestRecord[] = await store.scanBacktests(after, 2);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page.map((r) => r.id));
        after = page.at(-1)?.id ?? null;
      }
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(6);
      expect(await codeOf(store.scanBacktests(null, 0))).toBe('HS_ERR_VALIDATION');
    });

    it('scanBacktests with statuses keeps only backtests in one of them', async () => {
      const { record: queued } = await store.createBacktest(newBacktest('scan-status'));
      const { record: running } = await store.createBacktest(newBacktest('scan-status'));
      const { record: done } = await store.createBacktest(newBacktest('scan-status'));
      await store.transition(running.id, { from: ['queued'], to: 'running' });
      await store.transition(done.id, { from: ['queued'], to: 'running' });
      await store.complete(done.id, SUMMARY);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: BacktestRecord[] = await store.scanBacktests(after, 1, ['queued', 'running']);
        if (page.length === 0) break;
        for (const record of page) expect(['queued', 'running']).toContain(record.status);
        seen.push(...page.map((r) => r.id));
        after = page.at(-1)?.id ?? null;
      }
      expect(seen).toContain(queued.id);
      expect(seen).toContain(running.id);
      expect(seen).not.toContain(done.id);
    });

    it('restoreBacktest writes the record as it was, with its logs, once', async () => {
      const { record } = await store.createBacktest(newBacktest('restore'));
      await store.transition(record.id, {
        from: ['queued'],
        to: 'running',
        patch: { step: 'data' },
      });
      await store.complete(record.id, SUMMARY);
      await store.appendLogs(record.id, [
        { ts: '2024-01-02T03:04:05.000Z', level: 'info', message: 'one' },
        { ts: '2024-01-02T03:04:06.000Z', level: 'warn', message: 'two' },
      ]);
      const original = (await store.getBacktest(record.id)) as BacktestRecord;
      const copy = { ...original, id: newId() };
      const logs = (await store.getLogs(record.id, { limit: 10 })).map((line) => ({
        ...line,
        backtestId: copy.id,
      }));

      expect(await store.restoreBacktest(copy, logs)).toBe(true);
      expect(await store.getBacktest(copy.id)).toEqual(copy);
      expect(await store.getLogs(copy.id, { limit: 10 })).toEqual(logs);
      // The next line continues the restored numbering.
      const [next] = await store.appendLogs(copy.id, [
        { ts: '2024-01-02T03:04:07.000Z', level: 'info', message: 'three' },
      ]);
      expect(next?.seq).toBe(3);
      expect(await store.restoreBacktest(copy, logs)).toBe(false);
      expect(await store.getLogs(copy.id, { limit: 10 })).toHaveLength(3);
    });

    it('restoreApiKey writes a key as it was, once; listApiKeys lists it', async () => {
      const key = {
        id: newId(),
        keyHash: `restored-${newId()}`,
        userId: 'restore',
        tier: 'basic' as const,
        admin: false,
        createdAt: '2024-01-02T03:04:05.000Z',
      };
      expect(await store.restoreApiKey(key)).toBe(true);
      expect(await store.restoreApiKey(key)).toBe(false);
      expect(await store.restoreApiKey({ ...key, id: newId() })).toBe(false);
      expect(await store.findApiKeyByHash(key.keyHash)).toEqual(key);
      expect((await store.listApiKeys()).filter((k) => k.userId === 'restore')).toEqual([key]);
    });
  });

  describe('webhooks', () => {
    const hook = (ownerId: string, events: NewWebhook['events'] = ['backtest.completed']) =>
      store.createWebhook({
        ownerId,
        url: 'https://hooks.example.com/in',
        events,
        description: null,
        secret: 'whsec_c2VjcmV0',
      });

    it('create, get, list per owner oldest first, and delete with their deliveries', async () => {
      const owner = newId();
      const a = await hook(owner);
      const b = await hook(owner, ['backtest.failed', 'backtest.cancelled']);
      await hook(newId());
      expect(Value.Check(Webhook, withoutOwnerAndSecret(a)), 'matches Webhook').toBe(true);
      expect(a).toMatchObject({ ownerId: owner, enabled: true, disabledReason: null });
      expect(a.secret).toBe('whsec_c2VjcmV0');
      expect(await store.getWebhook(a.id)).toEqual(a);
      expect(await store.listWebhooks(owner)).toEqual([a, b]);
      await store.recordWebhookDelivery(delivery(a.id, 1));
      expect(await store.deleteWebhook(a.id)).toBe(true);
      expect(await store.deleteWebhook(a.id)).toBe(false);
      expect(await store.getWebhook(a.id)).toBeNull();
      expect(await store.listWebhookDeliveries(a.id, 10)).toEqual([]);
      expect(await store.listWebhooks(owner)).toEqual([b]);
    });

    it('disable an enabled subscription once, with its reason', async () => {
      const a = await hook(newId());
      expect(await store.disableWebhook(a.id, 'failed for a day')).toBe(true);
      expect(await store.disableWebhook(a.id, 'again')).toBe(false);
      expect(await store.getWebhook(a.id)).toMatchObject({
        enabled: false,
        disabledReason: 'failed for a day',
      });
      expect(await store.disableWebhook(newId(), 'gone')).toBe(false);
    });

    it('record delivery attempts and list them newest first, bounded', async () => {
      const a = await hook(newId());
      const first = await store.recordWebhookDelivery(delivery(a.id, 1, '2026-01-01T00:00:00Z'));
      const second = await store.recordWebhookDelivery({
        ...delivery(a.id, 2, '2026-01-01T00:00:10Z'),
        statusCode: 200,
        error: null,
        ok: true,
      });
      expect(Value.Check(WebhookDelivery, first), 'matches WebhookDelivery').toBe(true);
      expect(first.at).toBe('2026-01-01T00:00:00.000Z');
      expect(await store.listWebhookDeliveries(a.id, 10)).toEqual([second, first]);
      expect(await store.listWebhookDeliveries(a.id, 1)).toEqual([second]);
      expect(await codeOf(store.listWebhookDeliveries(a.id, 0))).toBe('HS_ERR_VALIDATION');
    });

    it('record a sweep message attempt with its sweep id', async () => {
      const a = await hook(newId(), ['sweep.completed']);
      const sweepId = newId();
      const recorded = await store.recordWebhookDelivery({
        ...delivery(a.id, 1),
        event: 'sweep.completed',
        backtestId: null,
        sweepId,
      });
      expect(Value.Check(WebhookDelivery, recorded), 'matches WebhookDelivery').toBe(true);
      expect(recorded).toMatchObject({ event: 'sweep.completed', backtestId: null, sweepId });
      expect(await store.listWebhookDeliveries(a.id, 10)).toEqual([recorded]);
    });

    it('restoreWebhook writes a subscription as exported - secret, disabled state - once', async () => {
      const owner = newId();
      const original = await hook(owner, ['backtest.failed', 'sweep.completed']);
      await store.disableWebhook(original.id, 'failed for a day');
      const exported = await store.getWebhook(original.id);
      expect((await store.listAllWebhooks()).find((h) => h.id === original.id)).toEqual(exported);
      const copy = { ...exported!, id: newId(), secret: 'whsec_b3RoZXI=' };
      expect(await store.restoreWebhook(copy)).toBe(true);
      expect(await store.restoreWebhook({ ...copy, url: 'https://elsewhere.example.com/' })).toBe(
        false,
      );
      expect(await store.getWebhook(copy.id)).toEqual(copy);
      const all = await store.listAllWebhooks();
      expect(
        all.map((h) => h.id),
        'in id order',
      ).toEqual(all.map((h) => h.id).toSorted());
    });

    it('restoreNotificationSettings writes settings as exported, unless the owner has some', async () => {
      const owner = newId();
      const record = {
        ownerId: owner,
        email: 'r@example.com',
        events: ['sweep.failed' as const],
        updatedAt: '2024-01-02T03:04:05.000Z',
      };
      expect(await store.restoreNotificationSettings(record)).toBe(true);
      expect(await store.restoreNotificationSettings({ ...record, email: null })).toBe(false);
      const { ownerId: _owner, ...settings } = record;
      expect(await store.getNotificationSettings(owner)).toEqual(settings);
      expect(
        (await store.listAllNotificationSettings()).filter((r) => r.ownerId === owner),
      ).toEqual([record]);
      expect((await store.notificationTargets(owner, 'sweep.failed')).email).toBe('r@example.com');
    });

    it('name as targets only enabled subscriptions to the event, and e-mail settings naming it', async () => {
      const owner = newId();
      const completed = await hook(owner);
      const both = await hook(owner, ['backtest.completed', 'backtest.failed']);
      const off = await hook(owner);
      await store.disableWebhook(off.id, 'off');
      await hook(newId());
      expect(await store.notificationTargets(owner, 'backtest.completed')).toEqual({
        webhookIds: [completed.id, both.id],
        email: null,
      });
      expect(await store.notificationTargets(owner, 'backtest.cancelled')).toEqual({
        webhookIds: [],
        email: null,
      });
      await store.putNotificationSettings(owner, {
        email: 'a@example.com',
        events: ['backtest.failed'],
      });
      expect(await store.notificationTargets(owner, 'backtest.failed')).toEqual({
        webhookIds: [both.id],
        email: 'a@example.com',
      });
      expect((await store.notificationTargets(owner, 'backtest.completed')).email).toBeNull();
      await store.putNotificationSettings(owner, { email: null, events: ['backtest.failed'] });
      expect((await store.notificationTargets(owner, 'backtest.failed')).email).toBeNull();
    });

    it('put and get e-mail settings per owner, replacing them whole', async () => {
      const owner = newId();
      expect(await store.getNotificationSettings(owner)).toBeNull();
      const put = await store.putNotificationSettings(owner, {
        email: 'x@example.com',
        events: ['backtest.completed', 'backtest.failed'],
      });
      expect(Value.Check(NotificationSettings, put), 'matches NotificationSettings').toBe(true);
      expect(await store.getNotificationSettings(owner)).toEqual(put);
      const replaced = await store.putNotificationSettings(owner, {
        email: 'y@example.com',
        events: [],
      });
      expect(await store.getNotificationSettings(owner)).toEqual(replaced);
      expect(replaced).toMatchObject({ email: 'y@example.com', events: [] });
      expect(await store.getNotificationSettings(newId())).toBeNull();
    });
  });

  sweepStoreContract(() => store);

  describe('health', () => {
    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
