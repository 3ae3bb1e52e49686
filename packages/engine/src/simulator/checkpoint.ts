import { EXIT_REASONS, type ExitReason, type SimulationCheckpoint, type Trade } from './types.js';

const FORMAT = 'hindsight-simulation-checkpoint/1';
const TRADE_FIELDS = 10;

interface StateHeader {
  format: typeof FORMAT;
  nextBar: number;
  length: number;
  symbols: string[];
  openCount: number;
  /** Per trade: the index of its symbol, then of its exit reason in EXIT_REASONS. */
  tradeSymbols: number[];
  tradeReasons: number[];
}

/**
 * The checkpoint's state less its two series, as bytes: a little-endian u32 header length, the
 * JSON header, padding to 8 bytes, then every number as a float64 (so -0, infinities and every
 * last bit survive, which JSON would not promise).
 */
export function encodeCheckpointState(checkpoint: SimulationCheckpoint): Uint8Array {
  const n = checkpoint.symbols.length;
  const symbolIndex = new Map(checkpoint.symbols.map((symbol, i) => [symbol, i]));
  const header: StateHeader = {
    format: FORMAT,
    nextBar: checkpoint.nextBar,
    length: checkpoint.length,
    symbols: [...checkpoint.symbols],
    openCount: checkpoint.openCount,
    tradeSymbols: checkpoint.trades.map((trade) => symbolIndex.get(trade.symbol)!),
    tradeReasons: checkpoint.trades.map((trade) => EXIT_REASONS.indexOf(trade.exitReason)),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offset = Math.ceil((4 + json.length) / 8) * 8;
  const numbers = new Float64Array(1 + 8 * n + TRADE_FIELDS * checkpoint.trades.length);
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
  for (const t of checkpoint.trades) {
    numbers.set(
      [
        t.size,
        t.entryBar,
        t.exitBar,
        t.entryTime,
        t.exitTime,
        t.entryPrice,
        t.exitPrice,
        t.pnl,
        t.commission,
        t.returnPct,
      ],
      k,
    );
    k += TRADE_FIELDS;
  }
  const bytes = new Uint8Array(offset + numbers.byteLength);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  bytes.set(new Uint8Array(numbers.buffer), offset);
  return bytes;
}

/** Thrown for bytes that are not a checkpoint of this format (truncated, or another version). */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

/** Reads what encodeCheckpointState wrote; the two series come from the caller's own files. */
export function decodeCheckpointState(
  bytes: Uint8Array,
  equity: Float64Array,
  balance: Float64Array,
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
  const n = header.symbols.length;
  const tradeCount = header.tradeSymbols.length;
  const offset = Math.ceil((4 + jsonLength) / 8) * 8;
  const count = 1 + 8 * n + TRADE_FIELDS * tradeCount;
  if (bytes.length !== offset + count * 8) throw new CheckpointFormatError('checkpoint truncated');
  // A copy, so the numbers are aligned whatever the buffer's offset.
  const numbers = new Float64Array(bytes.slice(offset).buffer);
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
  for (let t = 0; t < tradeCount; t++) {
    const f = numbers.subarray(k, k + TRADE_FIELDS);
    k += TRADE_FIELDS;
    trades.push({
      symbol: header.symbols[header.tradeSymbols[t]!]!,
      size: f[0]!,
      entryBar: f[1]!,
      exitBar: f[2]!,
      entryTime: f[3]!,
      exitTime: f[4]!,
      entryPrice: f[5]!,
      exitPrice: f[6]!,
      pnl: f[7]!,
      commission: f[8]!,
      returnPct: f[9]!,
      exitReason: EXIT_REASONS[header.tradeReasons[t]!] as ExitReason,
    });
  }
  if (equity.length < header.nextBar || balance.length < header.nextBar) {
    throw new CheckpointFormatError('checkpoint series shorter than its bar');
  }
  return {
    nextBar: header.nextBar,
    length: header.length,
    symbols: header.symbols,
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
    equity: equity.subarray(0, header.nextBar),
    balance: balance.subarray(0, header.nextBar),
  };
}
