import { readFileSync } from 'node:fs';
import { runBacktest } from '@hindsight/backtest';
import { type Bars, createBars } from '@hindsight/engine';
import { ALL_TIME } from '@hindsight/market-data';
import { pickStats } from '@hindsight/metrics';
import { SUMMARY_STATS, toSimulationConfig } from '@hindsight/models';
import {
  ARTIFACT_FILES,
  ARTIFACT_FORMAT_VERSION,
  BacktestEventPublisher,
  toTradeRecord,
  writeTaskArtifacts,
} from '@hindsight/service';
import type { FastifyInstance } from 'fastify';

/** GOOG daily 2004-08-19..2013-03-01 (2148 bars) from fixtures/market-data, read without the cache. */
export function readGoog(): Bars {
  const text = readFileSync(
    new URL('../../../fixtures/market-data/GOOG.csv', import.meta.url),
    'utf8',
  );
  const rows = text.trim().split('\n').slice(1);
  const columns = {
    time: new Float64Array(rows.length),
    open: new Float64Array(rows.length),
    high: new Float64Array(rows.length),
    low: new Float64Array(rows.length),
    close: new Float64Array(rows.length),
    volume: new Float64Array(rows.length),
  };
  rows.forEach((row, i) => {
    const [date, open, high, low, close, volume] = row.split(',');
    columns.time[i] = Date.parse(`${date!.slice(0, 10)}T00:00:00Z`);
    columns.open[i] = Number(open);
    columns.high[i] = Number(high);
    columns.low[i] = Number(low);
    columns.close[i] = Number(close);
    columns.volume[i] = Number(volume);
  });
  return createBars(columns);
}

/**
 * GOOG as an imported symbol in the app's market-data cache, as `hindsight data import` leaves it:
 * a submit naming an imported symbol is refused until it is there. Returns its bars.
 */
export async function cacheGoog(app: FastifyInstance): Promise<Bars> {
  const goog = readGoog();
  await app.marketData.write({ source: 'csv', symbol: 'GOOG', timeframe: '1d' }, goog, {
    coverage: ALL_TIME,
    origin: 'GOOG.csv',
  });
  return goog;
}

/**
 * Does what the worker does for one backtest, in this process: running, the engine, the four
 * artifacts, completion in the store and the events. The api under test cannot tell the
 * difference, so result routes are tested without a worker process.
 */
export async function completeLikeWorker(app: FastifyInstance, id: string, bars: Bars) {
  const publisher = new BacktestEventPublisher(app.redis, app.config.QUEUE_PREFIX);
  const running = await app.store.transition(id, {
    from: ['queued'],
    to: 'running',
    patch: { step: 'simulation' },
  });
  if (!running) throw new Error(`backtest ${id} is not queued`);
  await publisher.publish(id, 'status', { status: 'running', step: 'simulation' });
  const { config } = running;
  const output = runBacktest({
    symbols: config.symbols.map((symbol) => ({ symbol, bars })),
    strategy: config.strategy.name,
    params: config.strategy.params,
    config: toSimulationConfig(config),
  });
  const { stats, simulation } = output;
  const drawdownPct = new Float64Array(simulation.equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  simulation.equity.forEach((e, i) => {
    peak = Math.max(peak, e);
    drawdownPct[i] = -(1 - e / peak) * 100;
  });
  const now = new Date().toISOString();
  await writeTaskArtifacts(app.config.DATA_ROOT, id, {
    manifest: {
      formatVersion: ARTIFACT_FORMAT_VERSION,
      id,
      ownerId: running.ownerId,
      name: running.name,
      config,
      params: output.params,
      fingerprint: running.fingerprint,
      engineVersion: '0.1.0',
      data: [],
      files: {
        equity: ARTIFACT_FILES.equity,
        trades: ARTIFACT_FILES.trades,
        stats: ARTIFACT_FILES.stats,
      },
      createdAt: running.createdAt,
      startedAt: running.startedAt,
      finishedAt: now,
      reusedFrom: null,
    },
    equity: {
      time: Array.from(simulation.time),
      equity: Array.from(simulation.equity),
      drawdownPct: Array.from(drawdownPct),
    },
    trades: {
      trades: simulation.trades.map(toTradeRecord),
      openTrades: simulation.openTrades.map(toTradeRecord),
    },
    stats,
  });
  const summary = pickStats(stats, SUMMARY_STATS);
  await app.store.complete(id, summary);
  await publisher.publish(id, 'completed', { summary });
  return output;
}
