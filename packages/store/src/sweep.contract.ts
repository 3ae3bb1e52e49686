import {
  isHindsightError,
  newId,
  parseSweepRequest,
  type SweepCellRecord,
  SweepRecord,
} from '@hindsight/models';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import type { NewSweep, Store } from './store.js';

function newSweep(ownerId: string, overrides: Partial<NewSweep> = {}): NewSweep {
  return {
    ownerId,
    name: 'GOOG grid',
    config: parseSweepRequest({
      strategy: { name: 'sma_crossover', params: {} },
      symbols: ['GOOG'],
      start: '2004-08-19',
      end: '2013-03-01',
      grid: { fast: [5, 10], slow: [10, 20] },
    }),
    fingerprint: 'sweep-fp',
    combos: { total: 4, skipped: 1 },
    chunks: 2,
    ...overrides,
  };
}

function cell(index: number, overrides: Partial<SweepCellRecord> = {}): SweepCellRecord {
  return {
    index,
    fingerprint: `cell-${index}`,
    params: { fast: index, slow: 20 },
    status: 'completed',
    stats: { sharpeRatio: index / 10 },
    trial: { count: 3 },
    error: null,
    ...overrides,
  };
}

/** The sweep half of the Store contract; `store` is read when each test runs. */
export function sweepStoreContract(store: () => Store): void {
  describe('sweeps', () => {
    it('creates a queued sweep that matches the SweepRecord schema and reads it back', async () => {
      const owner = newId();
      const record = await store().createSweep(newSweep(owner));
      expect(Value.Check(SweepRecord, record), JSON.stringify(record)).toBe(true);
      expect(record).toMatchObject({ status: 'queued', ownerId: owner, chunks: 2, summary: null });
      expect(await store().getSweep(record.id)).toEqual(record);
      expect(await store().getSweep(newId())).toBeNull();
    });

    it('lists an owner’s sweeps newest first, a page at a time, and counts the active ones', async () => {
      const owner = newId();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store().createSweep(newSweep(owner))).id);
      await store().createSweep(newSweep(newId()));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const { items, nextCursor } = await store().listSweeps(owner, {
          limit: 2,
          ...(cursor === undefined ? {} : { cursor }),
        });
        seen.push(...items.map((s) => s.id));
        if (nextCursor === null) break;
        cursor = nextCursor;
      }
      const created = await Promise.all(ids.map((id) => store().getSweep(id)));
      const expected = [...created]
        .sort((a, b) =>
          a!.createdAt === b!.createdAt
            ? a!.id < b!.id
              ? 1
              : -1
            : a!.createdAt < b!.createdAt
              ? 1
              : -1,
        )
        .map((s) => s!.id);
      expect(seen).toEqual(expected);
      expect(await store().countActiveSweeps(owner)).toBe(5);
      await store().transitionSweep(ids[0]!, { from: ['queued'], to: 'cancelled' });
      expect(await store().countActiveSweeps(owner)).toBe(4);
      const bad = await store()
        .listSweeps(owner, { limit: 2, cursor: 'not-a-cursor' })
        .catch((error: unknown) => (isHindsightError(error) ? error.code : error));
      expect(bad).toBe('HS_ERR_BAD_CURSOR');
    });

    it('transitions only from the statuses given, stamping start and finish', async () => {
      const record = await store().createSweep(newSweep(newId()));
      expect(
        await store().transitionSweep(record.id, { from: ['running'], to: 'completed' }),
      ).toBeNull();
      const running = await store().transitionSweep(record.id, { from: ['queued'], to: 'running' });
      expect(running?.status).toBe('running');
      expect(running?.startedAt).not.toBeNull();
      const done = await store().transitionSweep(record.id, {
        from: ['running'],
        to: 'completed',
        patch: { summary: { best: { params: { fast: 5 } } } },
      });
      expect(done).toMatchObject({
        status: 'completed',
        summary: { best: { params: { fast: 5 } } },
      });
      expect(done?.finishedAt).not.toBeNull();
      expect(done?.startedAt).toBe(running?.startedAt);
      // Terminal is final, whatever `from` says.
      expect(
        await store().transitionSweep(record.id, { from: ['completed'], to: 'failed' }),
      ).toBeNull();
      const racers = await store().createSweep(newSweep(newId()));
      const results = await Promise.all(
        ['completed', 'cancelled', 'failed'].map((to) =>
          store().transitionSweep(racers.id, {
            from: ['queued'],
            to: to as 'completed' | 'cancelled' | 'failed',
          }),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('keeps cells once per index, counts them and pages them by index', async () => {
      const record = await store().createSweep(newSweep(newId()));
      await store().putSweepCells(record.id, [cell(2), cell(0)]);
      // A retried chunk writes its cells again: the first write stands.
      await store().putSweepCells(record.id, [
        cell(2, { stats: { sharpeRatio: 99 } }),
        cell(3, { status: 'failed', stats: null, trial: null, error: 'boom' }),
        cell(1, { status: 'skipped', stats: null, trial: null, error: 'must be < slow' }),
      ]);
      expect(await store().countSweepCells(record.id)).toEqual({
        completed: 2,
        failed: 1,
        skipped: 1,
      });
      const first = await store().listSweepCells(record.id, { afterIndex: -1, limit: 2 });
      expect(first.map((c) => c.index)).toEqual([0, 1]);
      const rest = await store().listSweepCells(record.id, { afterIndex: 1, limit: 10 });
      expect(rest.map((c) => c.index)).toEqual([2, 3]);
      expect(rest[0]).toEqual(cell(2));
    });

    it('caches completed cells by fingerprint, across sweeps, and keeps them when a sweep is deleted', async () => {
      const record = await store().createSweep(newSweep(newId()));
      const fingerprint = `fp-${newId()}`;
      await store().putSweepCells(record.id, [
        cell(0, { fingerprint }),
        cell(1, {
          fingerprint: `${fingerprint}-failed`,
          status: 'failed',
          stats: null,
          trial: null,
        }),
      ]);
      expect(await store().deleteSweep(record.id)).toBe(true);
      expect(await store().deleteSweep(record.id)).toBe(false);
      expect(await store().getSweep(record.id)).toBeNull();
      expect(await store().listSweepCells(record.id, { afterIndex: -1, limit: 10 })).toEqual([]);
      const cached = await store().findCachedSweepCells([
        fingerprint,
        `${fingerprint}-failed`,
        'x',
      ]);
      expect([...cached.keys()]).toEqual([fingerprint]);
      expect(cached.get(fingerprint)).toEqual({ stats: cell(0).stats, trial: cell(0).trial });
    });

    it('keeps in-sample scores with the cell, and caches them by fingerprint and scoring', async () => {
      const record = await store().createSweep(newSweep(newId()));
      const fingerprint = `fp-${newId()}`;
      const scored = cell(0, { fingerprint, inSample: { scoring: 'a', values: [0.5, null, -1] } });
      await store().putSweepCells(record.id, [
        scored,
        cell(1, {
          fingerprint: `${fingerprint}-failed`,
          status: 'failed',
          stats: null,
          trial: null,
          inSample: { scoring: 'a', values: [null, null, null] },
        }),
      ]);
      const cells = await store().listSweepCells(record.id, { afterIndex: -1, limit: 10 });
      expect(cells[0]).toEqual(scored);
      expect(cells[1]!.inSample).toEqual({ scoring: 'a', values: [null, null, null] });

      // Another sweep reuses the stats without scores, scores the cell under another scoring:
      // both scorings stay cached, the stats as first written.
      const other = await store().createSweep(newSweep(newId()));
      await store().putSweepCells(other.id, [
        cell(3, {
          fingerprint,
          stats: { sharpeRatio: 9 },
          inSample: { scoring: 'b', values: [1, 2, 3] },
        }),
      ]);
      const stats = { stats: cell(0).stats, trial: cell(0).trial };
      const find = async (scoring?: string) =>
        (await store().findCachedSweepCells([fingerprint, `${fingerprint}-failed`], scoring)).get(
          fingerprint,
        );
      expect(await find()).toEqual(stats);
      expect(await find('a')).toEqual({ ...stats, inSample: scored.inSample });
      expect(await find('b')).toEqual({ ...stats, inSample: { scoring: 'b', values: [1, 2, 3] } });
      expect(await find('c')).toEqual(stats);
      const failed = await store().findCachedSweepCells([`${fingerprint}-failed`], 'a');
      expect(failed.size).toBe(0);
    });
  });
}
