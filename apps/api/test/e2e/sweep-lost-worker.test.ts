import { setTimeout as sleep } from 'node:timers/promises';
import { barsPerCombination } from '@hindsight/backtest';
import type { WalkForwardSpec } from '@hindsight/models';
import { afterEach, describe, expect, it } from 'vitest';
import type { SweepResultItem, SweepView } from '../../src/schemas/sweep-view.js';
import { apiCall, KEYS } from '../support.js';
import { type FaultRig, startFaultRig } from './fault-harness.js';

/**
 * A walk-forward sweep on two worker processes, one SIGKILLed in the middle of a chunk: BullMQ
 * gives the stalled chunk to the other worker once its lock expires (30 s), which keeps the cells
 * the lost worker had written (with their in-sample scores) and computes and scores only the
 * rest. The results and the walk-forward report equal those of the same sweep run without a
 * fault, and every chunk's log says what it computed, reused, resumed and scored.
 */
let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/**
 * Four years of synthetic minute bars (7 hours a weekday: about 438,000), about a tenth of a
 * second per combination on an idle machine (twice that again for its in-sample scoring on 3
 * folds), so a chunk of 24 takes seconds and writes its cells (at least every second) in several
 * goes.
 */
const START = '2010-01-01';
const END = '2013-12-31';
const PER_CHUNK = 24;
const SWEEP = {
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['synthetic:SWEEPFAULT'],
  timeframe: '1m',
  start: START,
  end: END,
  // Every combination runs (fast < slow): 48 of them, two chunks of 24 for two workers.
  grid: { fast: [5, 10, 15, 20, 25, 30], slow: [35, 40, 50, 60, 70, 80, 90, 100] },
  walkForward: { folds: 3, mode: 'rolling', inSampleFraction: 0.75 } satisfies WalkForwardSpec,
};

/**
 * The api's estimate of the bars one combination simulates, which sizes its chunks: an upper
 * bound of the series from the calendar, 16 hours of minutes a weekday (calendarBars in
 * apps/api/src/lib/check-market-data.ts), with the walk-forward's in-sample windows.
 */
function estimatedBars(): number {
  const days = (Date.parse(END) + 86_400_000 - Date.parse(START)) / 86_400_000;
  return barsPerCombination(Math.ceil(days * (5 / 7)) * 16 * 60, SWEEP.walkForward);
}

interface ChunkLog {
  sweepId: string;
  chunk: number;
  msg: string;
  first?: number;
  last?: number;
  computed?: number;
  reused?: number;
  resumed?: number;
  scored?: number;
}

function chunkLogs(output: string, sweepId: string): ChunkLog[] {
  return output
    .split('\n')
    .filter((line) => line.includes(sweepId) && line.includes('"sweep chunk '))
    .map((line) => JSON.parse(line) as ChunkLog);
}

describe('a sweep whose worker is lost mid-chunk', () => {
  it('completes on the other worker, equal to an uninterrupted sweep, without recomputing written cells', async () => {
    rig = await startFaultRig();
    const active = rig;
    const bars = estimatedBars();
    await active.startApi({ SWEEP_CHUNK_BARS: String(Math.round(bars * (PER_CHUNK + 0.5))) });
    await Promise.all([active.startWorker(), active.startWorker()]);
    const workers = active.workers;

    async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await apiCall(active.http, KEYS.bob, method, path, body);
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.text}`);
      return answer.body as T;
    }
    async function until(id: string, what: string, test: () => boolean | Promise<boolean>) {
      const deadline = Date.now() + 240_000;
      while (!(await test())) {
        if (Date.now() > deadline) {
          const view = await call<SweepView>('GET', `/sweeps/${id}`);
          throw new Error(
            `sweep ${id} not ${what}: ${view.status} ${JSON.stringify(view.combos)}\n${workers.map((w) => w.output().slice(-1500)).join('\n')}`,
          );
        }
        await sleep(50);
      }
    }
    async function results(id: string): Promise<SweepResultItem[]> {
      return (await call<{ items: SweepResultItem[] }>('GET', `/sweeps/${id}/results?limit=100`))
        .items;
    }

    const { id } = await call<{ id: string }>('POST', '/sweeps', SWEEP);
    // The first worker to start a chunk is the one lost; the chunk's range is in that line.
    let started: ChunkLog | undefined;
    let lostAt = -1;
    await until(id, 'started a chunk', () => {
      lostAt = workers.findIndex((w) =>
        chunkLogs(w.output(), id).some((l) => l.msg === 'sweep chunk started'),
      );
      started = chunkLogs(workers[lostAt]?.output() ?? '', id).find(
        (l) => l.msg === 'sweep chunk started',
      );
      return started !== undefined;
    });
    const lost = workers[lostAt]!;
    const survivor = workers[1 - lostAt]!;
    const { chunk, first, last } = started as Required<ChunkLog>;
    expect(last - first + 1).toBe(PER_CHUNK);
    // Killed once it has written some of its chunk's cells and not all of them. The worker is
    // stopped (SIGSTOP) while we look, so what we see is what the kill leaves.
    let written: number[] = [];
    await until(id, `written some cells of chunk ${chunk}`, async () => {
      lost.child.kill('SIGSTOP');
      written = (await results(id)).map((r) => r.index).filter((i) => i >= first && i <= last);
      if (written.length === PER_CHUNK) {
        throw new Error(`chunk ${chunk} was written whole before a look caught it mid-way`);
      }
      if (written.length > 0) return true;
      lost.child.kill('SIGCONT');
      return false;
    });
    await active.kill(lost);
    expect(
      chunkLogs(lost.output(), id).filter((l) => l.msg === 'sweep chunk done'),
      'the lost worker never finished its chunk',
    ).toEqual([]);

    await until(id, 'completed', async () => {
      const view = await call<SweepView>('GET', `/sweeps/${id}`);
      if (view.status === 'failed') throw new Error(`sweep failed: ${JSON.stringify(view.error)}`);
      return view.status === 'completed';
    });
    const interrupted = await results(id);

    // Each chunk done once: the lost one's by the survivor, keeping the cells written.
    const done = [lost, survivor].flatMap((w) =>
      chunkLogs(w.output(), id).filter((l) => l.msg === 'sweep chunk done'),
    );
    expect(done.map((l) => l.chunk).sort()).toEqual([0, 1]);
    const resumed = chunkLogs(survivor.output(), id).find(
      (l) => l.msg === 'sweep chunk done' && l.chunk === chunk,
    )!;
    expect(resumed, 'the survivor finished the lost chunk').toBeDefined();
    expect(resumed.resumed, 'cells the lost worker wrote are kept').toBeGreaterThanOrEqual(
      written.length,
    );
    expect(resumed.computed! + resumed.resumed! + resumed.reused!).toBe(PER_CHUNK);
    expect(resumed.computed, 'and only the rest is computed').toBe(
      PER_CHUNK - resumed.resumed! - resumed.reused!,
    );
    expect(resumed.scored, 'and scored in sample').toBe(resumed.computed);
    const other = done.find((l) => l.chunk !== chunk)!;
    expect(other).toMatchObject({ computed: PER_CHUNK, reused: 0, resumed: 0, scored: PER_CHUNK });

    // The same sweep without a fault, computed afresh: the same cells, to the last bit.
    const { id: again } = await call<{ id: string }>('POST', '/sweeps', { ...SWEEP, cache: false });
    await until(again, 'completed', async () => {
      return (await call<SweepView>('GET', `/sweeps/${again}`)).status === 'completed';
    });
    const uninterrupted = await results(again);
    expect(interrupted).toHaveLength(2 * PER_CHUNK);
    expect(interrupted.every((r) => r.status === 'completed')).toBe(true);
    expect(interrupted).toEqual(uninterrupted);
    const [a, b] = await Promise.all([
      call<SweepView>('GET', `/sweeps/${id}`),
      call<SweepView>('GET', `/sweeps/${again}`),
    ]);
    expect(a.leaderboard).toEqual(b.leaderboard);
    expect(a.overfitting).toEqual(b.overfitting);
    expect(a.walkForward?.folds).toHaveLength(3);
    expect(a.walkForward, 'the walk-forward, from scores written by both workers').toEqual(
      b.walkForward,
    );
  }, 600_000);
});
