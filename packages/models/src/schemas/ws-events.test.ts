import Value from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseWithSchema } from '../validation.js';
import type { BacktestRecord } from './backtest-record.js';
import {
  BACKTEST_EVENT_TYPES,
  BacktestEvent,
  type BacktestEventOf,
  type ProgressData,
} from './ws-events.js';

const TS = '2024-05-01T12:00:00.000Z';
const ID = '01hx0000000000000000000000';

const record: BacktestRecord = {
  id: ID,
  ownerId: 'user-1',
  name: 'GOOG 10/30',
  tags: [],
  config: {
    tags: [],
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: ['GOOG'],
    timeframe: '1d',
    start: '2004-08-19',
    end: '2013-03-01',
    cash: 100_000,
    commission: 0.001,
    commissionFixed: 0,
    slippageBps: 0,
    sizing: { mode: 'fraction', fraction: 1, wholeUnits: true },
    fill: 'next_open',
    finalizeTrades: false,
    conventions: 'backtesting.py',
    cache: true,
  },
  status: 'running',
  progress: 0.25,
  step: 'simulation',
  queuedAt: TS,
  startedAt: TS,
  finishedAt: null,
  createdAt: TS,
  updatedAt: TS,
  summary: null,
  error: null,
  fingerprint: 'f'.repeat(64),
  idempotencyKey: null,
  attempts: 1,
};

const summary = {
  returnPct: 12.5,
  sharpeRatio: null,
  maxDrawdownPct: -3.25,
  trades: 4,
  winRatePct: 50,
  equityFinal: 112_500,
};

const events: BacktestEvent[] = [
  { type: 'snapshot', seq: 0, ts: TS, data: record },
  {
    type: 'progress',
    seq: 1,
    ts: TS,
    data: {
      progress: 0.5,
      step: 'simulation',
      message: null,
      barsProcessed: 1074,
      equity: 101_000,
    },
  },
  {
    type: 'log',
    seq: 2,
    ts: TS,
    data: { backtestId: ID, seq: 1, ts: TS, level: 'info', message: 'loaded 2148 bars' },
  },
  { type: 'status', seq: 3, ts: TS, data: { status: 'running', step: 'data' } },
  { type: 'completed', seq: 4, ts: TS, data: { summary } },
  { type: 'failed', seq: 5, ts: TS, data: { error: { code: 'HS_ERR_INTERNAL', message: 'x' } } },
  { type: 'cancelled', seq: 6, ts: TS, data: { reason: null } },
];

describe('BacktestEvent', () => {
  it('has one schema per event type, each accepting its own shape', () => {
    expect(events.map((event) => event.type)).toEqual([...BACKTEST_EVENT_TYPES]);
    for (const event of events) expect(Value.Check(BacktestEvent, event), event.type).toBe(true);
  });

  it("rejects one type's data under another type", () => {
    const mixed = { type: 'completed', seq: 7, ts: TS, data: events[1]!.data };
    expect(Value.Check(BacktestEvent, mixed)).toBe(false);
  });

  it('rejects progress outside [0, 1] at its path', () => {
    const bad = { ...events[1]!, data: { ...(events[1]!.data as ProgressData), progress: 1.5 } };
    expect(() => parseWithSchema(BacktestEvent, bad)).toThrow(/\/data\/progress must be <= 1/);
  });

  it('narrows by type', () => {
    expectTypeOf<BacktestEventOf<'completed'>['data']['summary']['returnPct']>().toEqualTypeOf<
      number | null
    >();
  });
});
