import { describe, expect, it } from 'vitest';
import { createBars } from '../bars.js';
import {
  CheckpointFormatError,
  decodeCheckpointState,
  encodeCheckpointState,
  encodeTrades,
} from './checkpoint.js';
import { SimulationConfigError } from './config.js';
import { simulate } from './simulate.js';
import { type SimulationCheckpoint, type SymbolInput, simulationConfig } from './types.js';

const state: SimulationCheckpoint = {
  nextBar: 3,
  length: 10,
  symbols: ['A', 'B'],
  cash: -0,
  openCount: 1,
  size: Float64Array.from([0, -2.5]),
  entryPrice: Float64Array.from([0, 101.25]),
  entryBar: Int32Array.from([0, 2]),
  entryFee: Float64Array.from([0, 0.1]),
  stopPrice: Float64Array.from([-Infinity, Infinity]),
  targetPrice: Float64Array.from([Infinity, 0.1 + 0.2]),
  trades: [
    {
      symbol: 'B',
      size: 3,
      entryBar: 1,
      exitBar: 2,
      entryTime: 1_600_000_000_000,
      exitTime: 1_600_086_400_000,
      entryPrice: 100,
      exitPrice: 100,
      pnl: -0,
      commission: 0,
      returnPct: -0,
      exitReason: 'stop_loss',
    },
  ],
  pendingExit: Uint8Array.from([0, 1]),
  pendingEntry: Int8Array.from([-1, 0]),
  equity: Float64Array.from([1, 2, 3]),
  balance: Float64Array.from([4, 5, 6]),
};

const series = {
  equity: state.equity,
  balance: state.balance,
  trades: encodeTrades(state.trades, state.symbols),
};

describe('checkpoint bytes', () => {
  it('round-trip every field, -0 and infinities included', () => {
    const decoded = decodeCheckpointState(encodeCheckpointState(state), series);
    expect(decoded).toEqual(state);
    expect(Object.is(decoded.cash, -0)).toBe(true);
    expect(Object.is(decoded.trades[0]!.pnl, -0)).toBe(true);
  });

  it('read a Node Buffer that is a view of a larger pool', () => {
    const bytes = encodeCheckpointState(state);
    const pool = Buffer.alloc(bytes.length + 24, 0xff);
    pool.set(bytes, 12);
    const view = pool.subarray(12, 12 + bytes.length);
    expect(decodeCheckpointState(view, series)).toEqual(state);
  });

  it('refuse truncated or foreign bytes', () => {
    const bytes = encodeCheckpointState(state);
    const refuse = (b: Uint8Array) => () => decodeCheckpointState(b, series);
    expect(refuse(bytes.subarray(0, bytes.length - 8))).toThrow(CheckpointFormatError);
    expect(refuse(bytes.subarray(0, 2))).toThrow(CheckpointFormatError);
    expect(refuse(new TextEncoder().encode('\u0002\u0000\u0000\u0000{}'))).toThrow(
      CheckpointFormatError,
    );
    for (const short of [
      { ...series, equity: state.equity.subarray(0, 2) },
      { ...series, trades: series.trades.subarray(0, 11) },
    ]) {
      expect(() => decodeCheckpointState(bytes, short)).toThrow(CheckpointFormatError);
    }
  });
});

describe('resuming', () => {
  it('refuses a checkpoint of another run', () => {
    const length = 10;
    const input: SymbolInput = {
      symbol: 'A',
      bars: createBars({
        time: Array.from({ length }, (_, i) => i * 86_400_000),
        open: Array(length).fill(10),
        high: Array(length).fill(11),
        low: Array(length).fill(9),
        close: Array(length).fill(10),
        volume: Array(length).fill(1),
      }),
      signals: {
        warmup: 0,
        enterLong: new Uint8Array(length),
        exitLong: new Uint8Array(length),
        enterShort: new Uint8Array(length),
        exitShort: new Uint8Array(length),
      },
      weight: 1,
    };
    expect(() => simulate([input], simulationConfig(), { resumeFrom: state })).toThrow(
      SimulationConfigError,
    );
  });
});
