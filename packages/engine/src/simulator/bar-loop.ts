import { SimulationConfigError } from './config.js';
import { Ledger } from './ledger.js';
import { backtestingPyUnits, fractionUnits } from './sizing.js';
import {
  SimulationAbortedError,
  type SimulationCheckpoint,
  type SimulationConfig,
  type SimulationOptions,
  type SimulationResult,
  type SymbolInput,
  type Trade,
} from './types.js';

/** Cancellation is polled when `(i & ABORT_MASK) === 0`: every 4,096 bars. */
const ABORT_MASK = 4095;
const EXIT = 1;
const LONG = 1;
const SHORT = -1;

/**
 * One simulation run over validated inputs: the bar loop of docs/conventions.md. State lives in
 * typed arrays (per symbol) and in the ledger; nothing is allocated per bar. Rare events (fills,
 * stops, liquidation) are methods; the per-bar marking and signal reading are inlined, with a
 * specialised loop for one symbol.
 */
export class BarLoop {
  private readonly symbolCount: number;
  private readonly start: number;
  private readonly opens: Float64Array[];
  private readonly highs: Float64Array[];
  private readonly lows: Float64Array[];
  private readonly closes: Float64Array[];
  private readonly enterLong: Uint8Array[];
  private readonly exitLong: Uint8Array[];
  private readonly enterShort: Uint8Array[];
  private readonly exitShort: Uint8Array[];
  private readonly weights: Float64Array;
  private readonly ledger: Ledger;
  /** Per symbol: an exit decided and not yet filled. */
  private readonly pendingExit: Uint8Array;
  /** Per symbol: the direction of an entry decided and not yet filled (0: none). */
  private readonly pendingEntry: Int8Array;
  private pending = false;
  /** Free funds at the last mark: equity less the notional of open trades (no leverage). */
  private available = 0;
  private ruined = false;
  private readonly equity: Float64Array;
  /** Cash at each bar's close, or null when the caller does not keep it (no checkpoints then). */
  private readonly cash: Float64Array | null;
  private readonly nextOpen: boolean;
  private readonly backtestingPy: boolean;
  private readonly hasStops: boolean;
  /** Sizing, flattened: `quantity` is 0 in fraction mode, `fraction` 0 in quantity mode. */
  private readonly fraction: number;
  private readonly wholeUnits: boolean;
  private readonly quantity: number;
  private readonly commission: number;
  private readonly commissionFixed: number;

  constructor(
    private readonly inputs: readonly SymbolInput[],
    private readonly config: SimulationConfig,
    private readonly length: number,
    private readonly warmup: number,
    private readonly options: SimulationOptions,
  ) {
    this.symbolCount = inputs.length;
    this.start = warmup + 1;
    this.opens = inputs.map((input) => input.bars.open);
    this.highs = inputs.map((input) => input.bars.high);
    this.lows = inputs.map((input) => input.bars.low);
    this.closes = inputs.map((input) => input.bars.close);
    this.enterLong = inputs.map((input) => input.signals.enterLong);
    this.exitLong = inputs.map((input) => input.signals.exitLong);
    this.enterShort = inputs.map((input) => input.signals.enterShort);
    this.exitShort = inputs.map((input) => input.signals.exitShort);
    this.weights = Float64Array.from(inputs, (input) => input.weight);
    this.ledger = new Ledger(
      inputs.map((input) => input.symbol),
      inputs[0]!.bars.time,
      config,
    );
    this.pendingExit = new Uint8Array(this.symbolCount);
    this.pendingEntry = new Int8Array(this.symbolCount);
    // Every bar's value is written below (the warm-up's cash, then the loop's marks), so a
    // reused buffer needs no clearing.
    this.equity = options.equityInto ?? new Float64Array(length);
    this.cash = options.keepCash === false ? null : new Float64Array(length);
    this.nextOpen = config.fill === 'next_open';
    this.backtestingPy = config.conventions === 'backtesting.py';
    this.hasStops = config.stopLossPct !== null || config.takeProfitPct !== null;
    const { sizing } = config;
    this.fraction = sizing.mode === 'fraction' ? sizing.fraction : 0;
    this.wholeUnits = sizing.mode === 'fraction' ? sizing.wholeUnits : false;
    this.quantity = sizing.mode === 'quantity' ? sizing.quantity : 0;
    this.commission = config.commission;
    this.commissionFixed = config.commissionFixed;
  }

  /** `general` forces the portfolio loop even for one symbol (tests compare the two loops). */
  run(general = false): SimulationResult {
    const { length, start } = this;
    const resume = this.options.resumeFrom;
    let from = start;
    if (resume) from = this.restore(resume);
    else {
      this.equity.fill(this.config.cash, 0, Math.min(start, length));
      this.cash?.fill(this.config.cash, 0, Math.min(start, length));
    }
    this.checkAbort(0);
    if (this.symbolCount === 1 && this.nextOpen && !this.hasStops && !general) this.loopOne(from);
    else this.loopMany(from);
    const openTrades = this.finish();
    const last = length - 1;
    this.options.onProgress?.({
      barsProcessed: length,
      totalBars: length,
      equity: this.equity[last]!,
    });
    return {
      time: this.inputs[0]!.bars.time,
      equity: this.equity,
      cash: this.cash,
      trades: this.ledger.trades,
      openTrades,
      warmup: this.warmup,
    };
  }

  /**
   * The common case on its own: one symbol, next-open fills, no stops. The open trade and the
   * balance are mirrored in locals and reloaded from the ledger only after a fill, so a bar without
   * one costs a mark, two stores and one or two signal reads.
   */
  private loopOne(from: number): void {
    const { length, ledger, equity, cash, opens } = this;
    const close = this.closes[0]!;
    const enterLong = this.enterLong[0]!;
    const exitLong = this.exitLong[0]!;
    const enterShort = this.enterShort[0]!;
    const exitShort = this.exitShort[0]!;
    const { pendingExit, pendingEntry } = this;
    let balance = ledger.cash;
    let units = ledger.size[0]!;
    let entry = ledger.entryPrice[0]!;
    let pending = this.pending;
    let progressAt = this.firstProgressIndex(from);
    for (let i = from; i < length; i++) {
      if ((i & ABORT_MASK) === 0) this.checkAbort(i);
      if (pending) {
        this.fillPending(opens, i);
        pending = false;
        balance = ledger.cash;
        units = ledger.size[0]!;
        entry = ledger.entryPrice[0]!;
      }
      const value = balance + units * (close[i]! - entry);
      equity[i] = value;
      if (cash !== null) cash[i] = balance;
      if (!(value > 0)) {
        this.liquidate(i);
        return;
      }
      if (units === 0) {
        if (enterLong[i] !== 0) {
          pendingEntry[0] = LONG;
          pending = true;
        } else if (enterShort[i] !== 0) {
          pendingEntry[0] = SHORT;
          pending = true;
        }
      } else if (units > 0) {
        if (exitLong[i] !== 0) {
          pendingExit[0] = EXIT;
          if (enterShort[i] !== 0) pendingEntry[0] = SHORT;
          pending = true;
        }
      } else if (exitShort[i] !== 0) {
        pendingExit[0] = EXIT;
        if (enterLong[i] !== 0) pendingEntry[0] = LONG;
        pending = true;
      }
      if (i === progressAt) {
        this.pending = pending;
        progressAt = this.reportProgress(i, value);
      }
    }
    this.pending = pending;
  }

  private loopMany(from: number): void {
    const { length, ledger, equity, cash, nextOpen, hasStops, opens, closes } = this;
    const symbolCount = this.symbolCount;
    const { size, entryPrice } = ledger;
    let progressAt = this.firstProgressIndex(from);
    for (let i = from; i < length; i++) {
      if ((i & ABORT_MASK) === 0) this.checkAbort(i);
      if (this.pending) this.fillPending(opens, i);
      if (hasStops && ledger.openCount > 0) this.checkStops(i);
      if (!nextOpen) {
        this.decide(i);
        if (this.pending) this.fillPending(closes, i);
      }
      const balance = ledger.cash;
      let value = balance;
      for (let s = 0; s < symbolCount; s++) value += size[s]! * (closes[s]![i]! - entryPrice[s]!);
      equity[i] = value;
      if (cash !== null) cash[i] = balance;
      if (!(value > 0)) {
        this.liquidate(i);
        return;
      }
      if (nextOpen) this.decide(i);
      if (i === progressAt) progressAt = this.reportProgress(i, value);
    }
  }

  /** Reads every symbol's signals at bar i (see signals.ts) into pending orders. */
  private decide(i: number): void {
    const { pendingExit, pendingEntry } = this;
    const size = this.ledger.size;
    let pending = false;
    for (let s = 0; s < this.symbolCount; s++) {
      const units = size[s]!;
      if (units === 0) {
        if (this.enterLong[s]![i] !== 0) pendingEntry[s] = LONG;
        else if (this.enterShort[s]![i] !== 0) pendingEntry[s] = SHORT;
      } else if (units > 0) {
        if (this.exitLong[s]![i] !== 0) {
          pendingExit[s] = EXIT;
          if (this.enterShort[s]![i] !== 0) pendingEntry[s] = SHORT;
        }
      } else if (this.exitShort[s]![i] !== 0) {
        pendingExit[s] = EXIT;
        if (this.enterLong[s]![i] !== 0) pendingEntry[s] = LONG;
      }
      pending ||= pendingExit[s] !== 0 || pendingEntry[s] !== 0;
    }
    this.pending = pending;
  }

  /** Fills pending orders at `prices[s][i]`: every exit first, then the entries with that cash. */
  private fillPending(prices: readonly Float64Array[], i: number): void {
    const { ledger, pendingExit, pendingEntry } = this;
    let entries = false;
    for (let s = 0; s < this.symbolCount; s++) {
      if (pendingEntry[s] !== 0) entries = true;
      if (pendingExit[s] === 0) continue;
      pendingExit[s] = 0;
      if (ledger.size[s] !== 0) ledger.close(s, prices[s]![i]!, i, 'signal');
    }
    if (entries) this.fillEntries(prices, i);
    this.pending = false;
  }

  private fillEntries(prices: readonly Float64Array[], i: number): void {
    const { ledger, pendingEntry } = this;
    if (this.backtestingPy) {
      const direction = pendingEntry[0]!;
      if (direction === 0) return;
      pendingEntry[0] = 0;
      const price = prices[0]![i]!;
      const units = backtestingPyUnits(ledger.cash, price, this.commission, this.fraction);
      if (units > 0) ledger.open(0, direction * units, price, i);
      return;
    }
    // One equity for every entry of this moment, so weights split the same portfolio value.
    const equity = this.mark(prices, i);
    for (let s = 0; s < this.symbolCount; s++) {
      const direction = pendingEntry[s]!;
      if (direction === 0) continue;
      pendingEntry[s] = 0;
      const price = ledger.fillPrice(direction, prices[s]![i]!);
      const units = this.entryUnits(s, price, equity);
      if (units > 0) {
        ledger.open(s, direction * units, price, i);
        if (this.symbolCount > 1) this.mark(prices, i);
      }
    }
  }

  /** Units for an entry at `price` (slipped): 0 drops the order. */
  private entryUnits(s: number, price: number, equity: number): number {
    const { commission, commissionFixed, quantity } = this;
    if (quantity === 0) {
      const budget = Math.min(this.weights[s]! * this.fraction * equity, this.available);
      return fractionUnits(budget, price, commission, commissionFixed, this.wholeUnits);
    }
    const cost = quantity * price * (1 + commission) + commissionFixed;
    return cost <= this.available ? quantity : 0;
  }

  /** Equity marked at `prices[s][i]`; also sets `available`. */
  private mark(prices: readonly Float64Array[], i: number): number {
    const { size, entryPrice } = this.ledger;
    let equity = this.ledger.cash;
    let notional = 0;
    for (let s = 0; s < this.symbolCount; s++) {
      const units = size[s]!;
      if (units === 0) continue;
      const price = prices[s]![i]!;
      equity += units * (price - entryPrice[s]!);
      notional += Math.abs(units) * price;
    }
    this.available = equity - notional;
    return equity;
  }

  /**
   * Stop-loss and take-profit on bar i. A bar that opens through a level fills at the open; a bar
   * whose range touches both levels is assumed to reach the stop first (pessimistic).
   */
  private checkStops(i: number): void {
    const { ledger } = this;
    const { size, stopPrice, targetPrice } = ledger;
    for (let s = 0; s < this.symbolCount; s++) {
      const units = size[s]!;
      if (units === 0) continue;
      const open = this.opens[s]![i]!;
      const stop = stopPrice[s]!;
      const target = targetPrice[s]!;
      if (units > 0) {
        if (open >= target) ledger.close(s, open, i, 'take_profit');
        else if (this.lows[s]![i]! <= stop) ledger.close(s, Math.min(open, stop), i, 'stop_loss');
        else if (this.highs[s]![i]! >= target) ledger.close(s, target, i, 'take_profit');
      } else if (open <= target) ledger.close(s, open, i, 'take_profit');
      else if (this.highs[s]![i]! >= stop) ledger.close(s, Math.max(open, stop), i, 'stop_loss');
      else if (this.lows[s]![i]! <= target) ledger.close(s, target, i, 'take_profit');
    }
  }

  /** Equity at bar i's close is <= 0: close everything there, and the account stays at 0. */
  private liquidate(i: number): void {
    const { ledger } = this;
    for (let s = 0; s < this.symbolCount; s++) {
      if (ledger.size[s] !== 0) ledger.close(s, this.closes[s]![i]!, i, 'out_of_money');
    }
    ledger.cash = 0;
    this.equity.fill(0, i);
    this.cash?.fill(0, i);
    this.ruined = true;
  }

  /** End of data: finalize (per profile) or report open trades marked at the last close. */
  private finish(): Trade[] {
    const { ledger, length } = this;
    const last = length - 1;
    if (!this.ruined && this.start < length && this.config.finalizeTrades) {
      if (this.backtestingPy) this.finalizeAtLastOpen(last);
      else {
        for (let s = 0; s < this.symbolCount; s++) {
          if (ledger.size[s] !== 0) ledger.close(s, this.closes[s]![last]!, last, 'end_of_data');
        }
        // Fees and slippage of the final fills could take a thin account below zero: written off.
        if (!(ledger.cash > 0)) ledger.cash = 0;
        this.equity[last] = ledger.cash;
        if (this.cash !== null) this.cash[last] = ledger.cash;
      }
    }
    const openTrades: Trade[] = [];
    for (let s = 0; s < this.symbolCount; s++) {
      if (ledger.size[s] !== 0) {
        openTrades.push(ledger.markOpenTrade(s, this.closes[s]![last]!, last));
      }
    }
    return openTrades;
  }

  /**
   * backtesting.py's finalize: it queues a close for every open trade and runs its broker once
   * more on the last bar. So exits decided on the last bar and then every other open trade close
   * at the last open (the same price either way); an entry decided on the last bar fills there too
   * and stays open. Equity at the last bar is marked again (plain cash when nothing is open).
   */
  private finalizeAtLastOpen(last: number): void {
    const { ledger, opens, pendingExit } = this;
    for (let s = 0; s < this.symbolCount; s++) {
      if (pendingExit[s] === 0) continue;
      pendingExit[s] = 0;
      if (ledger.size[s] !== 0) ledger.close(s, opens[s]![last]!, last, 'signal');
    }
    for (let s = 0; s < this.symbolCount; s++) {
      if (ledger.size[s] !== 0) ledger.close(s, opens[s]![last]!, last, 'end_of_data');
    }
    this.fillEntries(opens, last);
    let value = ledger.cash;
    for (let s = 0; s < this.symbolCount; s++) {
      value += ledger.size[s]! * (this.closes[s]![last]! - ledger.entryPrice[s]!);
    }
    this.equity[last] = value;
    if (this.cash !== null) this.cash[last] = ledger.cash;
    if (!(value > 0)) this.liquidate(last);
  }

  private checkAbort(i: number): void {
    if (this.options.signal?.aborted) throw new SimulationAbortedError(i);
  }

  /**
   * Index of the first bar at or after `from` after which progress is due (-1: never, no
   * callback and no checkpoints). Progress points are the multiples of `progressEveryBars` (less
   * one), so a resumed run reports at the same bars as an uninterrupted one.
   */
  private firstProgressIndex(from: number): number {
    if (!this.options.onProgress && !this.options.checkpoints) return -1;
    const every = this.options.progressEveryBars ?? 10_000;
    const due = Math.ceil((from + 1) / every) * every - 1;
    return due < this.length - 1 ? due : -1;
  }

  /** Bar i is done (this.pending says whether orders wait for bar i + 1). */
  private reportProgress(i: number, equity: number): number {
    this.options.onProgress?.({ barsProcessed: i + 1, totalBars: this.length, equity });
    const sink = this.options.checkpoints;
    if (sink?.due()) sink.save(this.snapshot(i + 1));
    const every = this.options.progressEveryBars ?? 10_000;
    const due = i + every;
    return due < this.length - 1 ? due : -1;
  }

  /** The state between bar nextBar - 1 and bar nextBar, as views of the live arrays. */
  private snapshot(nextBar: number): SimulationCheckpoint {
    const { ledger } = this;
    return {
      nextBar,
      length: this.length,
      symbols: this.inputs.map((input) => input.symbol),
      cash: ledger.cash,
      openCount: ledger.openCount,
      size: ledger.size,
      entryPrice: ledger.entryPrice,
      entryBar: ledger.entryBar,
      entryFee: ledger.entryFee,
      stopPrice: ledger.stopPrice,
      targetPrice: ledger.targetPrice,
      trades: ledger.trades,
      pendingExit: this.pendingExit,
      pendingEntry: this.pendingEntry,
      equity: this.equity.subarray(0, nextBar),
      // Kept whenever checkpoints are taken (simulate refuses keepCash: false with them).
      balance: this.cash!.subarray(0, nextBar),
    };
  }

  /** Puts a checkpoint's state back; returns the bar to go on from. */
  private restore(checkpoint: SimulationCheckpoint): number {
    const { nextBar } = checkpoint;
    const symbols = this.inputs.map((input) => input.symbol);
    if (
      checkpoint.length !== this.length ||
      checkpoint.symbols.length !== symbols.length ||
      checkpoint.symbols.some((symbol, s) => symbol !== symbols[s]) ||
      !(Number.isInteger(nextBar) && nextBar >= this.start && nextBar <= this.length) ||
      checkpoint.equity.length !== nextBar ||
      checkpoint.balance.length !== nextBar
    ) {
      throw new SimulationConfigError(
        `the checkpoint (bar ${nextBar} of ${checkpoint.length}, ${checkpoint.symbols.join(', ')}) ` +
          `is not one of this run (${this.length} bars from bar ${this.start}, ${symbols.join(', ')})`,
      );
    }
    this.ledger.restore(checkpoint);
    this.pendingExit.set(checkpoint.pendingExit);
    this.pendingEntry.set(checkpoint.pendingEntry);
    this.pending =
      this.pendingExit.some((order) => order !== 0) ||
      this.pendingEntry.some((order) => order !== 0);
    this.equity.set(checkpoint.equity);
    this.cash!.set(checkpoint.balance);
    return nextBar;
  }
}
