import { EXIT_REASONS, type ExitReason, type SimulationCheckpoint, type Trade } from './types.js';

const FORMAT = 'hindsight-simulation-checkpoint/2';
/** Per trade: its symbol's index, its exit reason's index in EXIT_REASONS, then ten numbers. */
export const TRADE_WIDTH = 12;

interface StateHeader {
  format: typeof FORMAT;
  nextBar: number;
  length: number;
  symbols: string[];
  openCount: number;
  tradeCount: number;
}

/**
 * A checkpoint's state less the series that only grow (equity, cash, closed trades), which its
 * keeper appends to files of their own: a little-endian u32 header length, the JSON header,
 * padding to 8 bytes, then every number as a float64 (so -0, infinities and every last bit
 * survive, which JSON would not promise).
 */
export function encodeCheckpointState(checkpoint: SimulationCheckpoint): Uint8Array {
  const n = checkpoint.symbols.length;
  const header: StateHeader = {
    format: FORMAT,
    nextBar: checkpoint.nextBar,
    length: checkpoint.length,
    symbols: [...checkpoint.symbols],
    openCount: checkpoint.openCount,
    tradeCount: checkpoint.trades.length,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offset = Math.ceil((4 + json.length) / 8) * 8;
  const numbers = new Float64Array(1 + 8 * n);
  let k = 0;
  numbers[k++] = checkpoint.cash;
  for (const column of [
    checkpoint.size,
    checkpoint.entryPrice,
    checkpoint.entryBar,
    checkpoint.entryFee,
    checkpoint.stopPrice,
    checkpoint.targetPrice,
    checkpoint.pendingExit,
    checkpoint.pendingEntry,
  ]) {
    for (let s = 0; s < n; s++) numbers[k++] = column[s]!;
  }
  const bytes = new Uint8Array(offset + numbers.byteLength);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  bytes.set(new Uint8Array(numbers.buffer), offset);
  return bytes;
}

/** Closed trades `from` on, TRADE_WIDTH float64s each, for appending to the trades already kept. */
export function encodeTrades(
  trades: readonly Trade[],
  symbols: readonly string[],
  from = 0,
): Float64Array {
  const symbolIndex = new Map(symbols.map((symbol, i) => [symbol, i]));
  const numbers = new Float64Array((trades.length - from) * TRADE_WIDTH);
  let k = 0;
  for (let t = from; t < trades.length; t++) {
    const trade = trades[t]!;
    numbers[k++] = symbolIndex.get(trade.symbol)!;
    numbers[k++] = EXIT_REASONS.indexOf(trade.exitReason);
    numbers[k++] = trade.size;
    numbers[k++] = trade.entryBar;
    numbers[k++] = trade.exitBar;
    numbers[k++] = trade.entryTime;
    numbers[k++] = trade.exitTime;
    numbers[k++] = trade.entryPrice;
    numbers[k++] = trade.exitPrice;
    numbers[k++] = trade.pnl;
    numbers[k++] = trade.commission;
    numbers[k++] = trade.returnPct;
  }
  return numbers;
}

/** Thrown for bytes that are not a checkpoint of this format (truncated, or another version). */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

/** What a checkpoint's keeper appended: at least as many bars and trades as the state names. */
export interface CheckpointSeries {
  equity: Float64Array;
  balance: Float64Array;
  /** encodeTrades' numbers, concatenated. */
  trades: Float64Array;
}

/** Reads what encodeCheckpointState wrote, with the series its keeper appended. */
export function decodeCheckpointState(
  bytes: Uint8Array,
  series: CheckpointSeries,
): SimulationCheckpoint {
  if (bytes.length < 4) throw new CheckpointFormatError('checkpoint too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.length) throw new CheckpointFormatError('checkpoint truncated');
  let header: StateHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength)));
  } catch {
    throw new CheckpointFormatError('checkpoint header unreadable');
  }
  if (header.format !== FORMAT) {
    throw new CheckpointFormatError(`not a ${FORMAT} checkpoint`);
  }
  const { nextBar, tradeCount, symbols } = header;
  const n = symbols.length;
  const offset = Math.ceil((4 + jsonLength) / 8) * 8;
  if (bytes.length !== offset + (1 + 8 * n) * 8) {
    throw new CheckpointFormatError('checkpoint truncated');
  }
  if (
    series.equity.length < nextBar ||
    series.balance.length < nextBar ||
    series.trades.length < tradeCount * TRADE_WIDTH
  ) {
    throw new CheckpointFormatError('checkpoint series shorter than its state says');
  }
  // A copy (new Uint8Array, not slice: a Node Buffer's slice is a view of a shared pool), so the
  // numbers are aligned whatever the bytes' offset.
  const numbers = new Float64Array(new Uint8Array(bytes.subarray(offset)).buffer);
  let k = 1;
  const column = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(array: T): T => {
    for (let s = 0; s < n; s++) array[s] = numbers[k++]!;
    return array;
  };
  const size = column(new Float64Array(n));
  const entryPrice = column(new Float64Array(n));
  const entryBar = column(new Int32Array(n));
  const entryFee = column(new Float64Array(n));
  const stopPrice = column(new Float64Array(n));
  const targetPrice = column(new Float64Array(n));
  const pendingExit = column(new Uint8Array(n));
  const pendingEntry = column(new Int8Array(n));
  const trades: Trade[] = [];
  const f = series.trades;
  for (let t = 0, k = 0; t < tradeCount; t++, k += TRADE_WIDTH) {
    trades.push({
      symbol: symbols[f[k]!]!,
      size: f[k + 2]!,
      entryBar: f[k + 3]!,
      exitBar: f[k + 4]!,
      entryTime: f[k + 5]!,
      exitTime: f[k + 6]!,
      entryPrice: f[k + 7]!,
      exitPrice: f[k + 8]!,
      pnl: f[k + 9]!,
      commission: f[k + 10]!,
      returnPct: f[k + 11]!,
      exitReason: EXIT_REASONS[f[k + 1]!] as ExitReason,
    });
  }
  return {
    nextBar,
    length: header.length,
    symbols,
    cash: numbers[0]!,
    openCount: header.openCount,
    size,
    entryPrice,
    entryBar,
    entryFee,
    stopPrice,
    targetPrice,
    trades,
    pendingExit,
    pendingEntry,
    equity: series.equity.subarray(0, nextBar),
    balance: series.balance.subarray(0, nextBar),
  };
}
