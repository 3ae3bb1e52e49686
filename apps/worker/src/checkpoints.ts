import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type CheckpointSink,
  decodeCheckpointState,
  encodeCheckpointState,
  encodeTrades,
  type SimulationCheckpoint,
  TRADE_WIDTH,
} from '@hindsight/engine';
import type { BacktestRecord } from '@hindsight/models';
import {
  type BacktestLifecycle,
  type Config,
  checkpointDir,
  SIMULATION_SPAN,
  STEP_START,
} from '@hindsight/service';

const STATE = 'state.bin';
const EQUITY = 'equity.f64';
const CASH = 'cash.f64';
const TRADES = 'trades.f64';
const KEY = 'key';

/**
 * What makes a checkpoint fit a run: the backtest's fingerprint (strategy, parameters, settings)
 * and the version of every symbol's cached bars. A run whose bars changed starts over.
 */
function checkpointKey(fingerprint: string, dataVersions: readonly string[]): string {
  return createHash('sha256')
    .update(fingerprint)
    .update('\n')
    .update(dataVersions.join('\n'))
    .digest('hex');
}

/**
 * The checkpoints of one backtest's simulation, on disk. Equity, cash and closed trades grow by
 * appends (each checkpoint writes only what is new since the one before), then the small state
 * file is written beside its name and renamed into place: the state names a bar and a trade
 * count, and the series always hold at least that many, so a process killed at any moment leaves
 * the last whole checkpoint readable. Synchronous, because it runs inside the simulation's own loop on its thread.
 */
export class RunCheckpoints {
  readonly #dir: string;
  readonly #key: string;
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** Bars of equity and cash, and closed trades, already in the files. */
  #written = 0;
  #tradesWritten = 0;
  #last: number;

  constructor(
    dataRoot: string,
    backtestId: string,
    key: string,
    intervalMs: number,
    now: () => number = Date.now,
  ) {
    this.#dir = checkpointDir(dataRoot, backtestId);
    this.#key = key;
    this.#intervalMs = intervalMs;
    this.#now = now;
    this.#last = now();
  }

  /**
   * This run's last checkpoint, or null: none saved, saved for other bars or settings (then
   * removed), or unreadable. The files are cut back to the checkpoint's bar, so the next save
   * appends where it left off.
   */
  load(length: number, symbols: readonly { symbol: string }[]): SimulationCheckpoint | null {
    let checkpoint: SimulationCheckpoint;
    try {
      if (readFileSync(join(this.#dir, KEY), 'utf8') !== this.#key) {
        this.remove();
        return null;
      }
      const state = readFileSync(join(this.#dir, STATE));
      checkpoint = decodeCheckpointState(state, {
        equity: this.#readSeries(EQUITY),
        balance: this.#readSeries(CASH),
        trades: this.#readSeries(TRADES),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.remove();
      return null;
    }
    const fits =
      checkpoint.length === length &&
      checkpoint.symbols.length === symbols.length &&
      checkpoint.symbols.every((symbol, s) => symbol === symbols[s]!.symbol);
    if (!fits) {
      this.remove();
      return null;
    }
    this.#truncate(EQUITY, checkpoint.nextBar);
    this.#truncate(CASH, checkpoint.nextBar);
    this.#truncate(TRADES, checkpoint.trades.length * TRADE_WIDTH);
    this.#written = checkpoint.nextBar;
    this.#tradesWritten = checkpoint.trades.length;
    return checkpoint;
  }

  /** Saves when `intervalMs` has passed since the run started or last saved. */
  sink(): CheckpointSink {
    return {
      due: () => this.#now() - this.#last >= this.#intervalMs,
      save: (checkpoint) => {
        this.save(checkpoint);
        this.#last = this.#now();
      },
    };
  }

  save(checkpoint: SimulationCheckpoint): void {
    if (this.#written === 0) {
      rmSync(this.#dir, { recursive: true, force: true });
      mkdirSync(this.#dir, { recursive: true });
      this.#writeFile(KEY, new TextEncoder().encode(this.#key));
    }
    const from = this.#written;
    this.#append(EQUITY, checkpoint.equity.subarray(from));
    this.#append(CASH, checkpoint.balance.subarray(from));
    this.#append(TRADES, encodeTrades(checkpoint.trades, checkpoint.symbols, this.#tradesWritten));
    this.#writeFile(STATE, encodeCheckpointState(checkpoint));
    this.#written = checkpoint.nextBar;
    this.#tradesWritten = checkpoint.trades.length;
  }

  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true });
    this.#written = 0;
    this.#tradesWritten = 0;
  }

  #readSeries(name: string): Float64Array {
    const bytes = readFileSync(join(this.#dir, name));
    const whole = bytes.length - (bytes.length % 8);
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
  }

  /** Cuts a file back to `count` float64s (a save killed between its appends and its state). */
  #truncate(name: string, count: number): void {
    const path = join(this.#dir, name);
    if (statSync(path).size === count * 8) return;
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, count * 8);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Appends without syncing: a killed process's writes are in the page cache, and after a crash
   * of the machine a series the journal kept shorter than its state says is refused by the
   * reader (decodeCheckpointState) and the run starts over. Syncing would cost the first save
   * of a long run seconds (every bar so far), during which the run hears no cancel.
   */
  #append(name: string, values: Float64Array): void {
    const fd = openSync(join(this.#dir, name), 'a');
    try {
      writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    } finally {
      closeSync(fd);
    }
  }

  #writeFile(name: string, bytes: Uint8Array): void {
    const temp = join(this.#dir, `${name}.partial`);
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(this.#dir, name));
  }
}

/**
 * The checkpoints of this run, or null when it takes none: turned off, or a symbol's bars have
 * no data version (fetched fresh, not read from one cache version), so a later attempt could not
 * tell whether its bars are the ones the checkpoint was computed on.
 */
export function openCheckpoints(
  config: Pick<Config, 'DATA_ROOT' | 'CHECKPOINT_INTERVAL_MS'>,
  record: Pick<BacktestRecord, 'id' | 'fingerprint'>,
  symbols: readonly { dataVersion: string | null }[],
): RunCheckpoints | null {
  if (config.CHECKPOINT_INTERVAL_MS === 0) return null;
  const versions = symbols.map(({ dataVersion }) => dataVersion);
  if (versions.some((version) => version === null)) return null;
  const key = checkpointKey(record.fingerprint, versions as string[]);
  return new RunCheckpoints(config.DATA_ROOT, record.id, key, config.CHECKPOINT_INTERVAL_MS);
}

/** Says on the live channel and in the log that this attempt goes on from a checkpoint. */
export async function announceResume(
  deps: { lifecycle: BacktestLifecycle },
  backtestId: string,
  checkpoint: SimulationCheckpoint,
): Promise<void> {
  const bar = checkpoint.nextBar;
  const message = `resumed from the checkpoint at bar ${bar} of ${checkpoint.length}`;
  await deps.lifecycle.progress(backtestId, {
    progress: STEP_START.simulation + SIMULATION_SPAN * (bar / checkpoint.length),
    step: 'simulation',
    message,
    barsProcessed: bar,
    equity: checkpoint.equity[bar - 1] ?? null,
    resumedFromBar: bar,
  });
  await deps.lifecycle.log(backtestId, 'info', `${message}, saved by an earlier attempt`);
}
