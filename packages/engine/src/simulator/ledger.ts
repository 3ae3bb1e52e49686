import type { ExitReason, SimulationCheckpoint, Trade } from './types.js';

export interface LedgerSettings {
  readonly cash: number;
  readonly commission: number;
  readonly commissionFixed: number;
  readonly slippageBps: number;
  readonly stopLossPct: number | null;
  readonly takeProfitPct: number | null;
}

/**
 * Cash, the one open trade per symbol, and the closed trades. Cash is the account balance: an
 * entry only pays its fee, an exit books `size * (exit - entry)` less its fee, as backtesting.py
 * does, so equity = cash + sum(size * (price - entryPrice)) over open trades. The arithmetic keeps
 * backtesting.py's order of operations so that profile matches it to the last bit.
 */
export class Ledger {
  cash: number;
  /** Signed units per symbol, 0 when flat. */
  readonly size: Float64Array;
  readonly entryPrice: Float64Array;
  readonly entryBar: Int32Array;
  readonly entryFee: Float64Array;
  /** Stop-loss level per open trade; -Infinity (long) or +Infinity (short) when there is none. */
  readonly stopPrice: Float64Array;
  /** Take-profit level per open trade; +Infinity (long) or -Infinity (short) when there is none. */
  readonly targetPrice: Float64Array;
  readonly trades: Trade[] = [];
  openCount = 0;
  private readonly commission: number;
  private readonly commissionFixed: number;
  private readonly slippage: number;
  private readonly stopLoss: number | null;
  private readonly takeProfit: number | null;

  constructor(
    private readonly symbols: readonly string[],
    private readonly time: Float64Array,
    settings: LedgerSettings,
  ) {
    const count = symbols.length;
    this.cash = settings.cash;
    this.size = new Float64Array(count);
    this.entryPrice = new Float64Array(count);
    this.entryBar = new Int32Array(count);
    this.entryFee = new Float64Array(count);
    this.stopPrice = new Float64Array(count);
    this.targetPrice = new Float64Array(count);
    this.commission = settings.commission;
    this.commissionFixed = settings.commissionFixed;
    this.slippage = settings.slippageBps / 1e4;
    this.stopLoss = settings.stopLossPct === null ? null : settings.stopLossPct / 100;
    this.takeProfit = settings.takeProfitPct === null ? null : settings.takeProfitPct / 100;
  }

  /** Puts a checkpoint's cash, open trades and closed trades back (see BarLoop.restore). */
  restore(state: SimulationCheckpoint): void {
    this.cash = state.cash;
    this.openCount = state.openCount;
    this.size.set(state.size);
    this.entryPrice.set(state.entryPrice);
    this.entryBar.set(state.entryBar);
    this.entryFee.set(state.entryFee);
    this.stopPrice.set(state.stopPrice);
    this.targetPrice.set(state.targetPrice);
    this.trades.length = 0;
    for (const trade of state.trades) this.trades.push(trade);
  }

  /** The price a buy (direction 1) or sell (-1) fills at after slippage against the trader. */
  fillPrice(direction: number, price: number): number {
    return direction > 0 ? price * (1 + this.slippage) : price * (1 - this.slippage);
  }

  fee(units: number, price: number): number {
    return Math.abs(units) * price * this.commission + this.commissionFixed;
  }

  /** Opens `units` (signed) of symbol `s` at `price` (already slipped) on bar `bar`. */
  open(s: number, units: number, price: number, bar: number): void {
    const fee = this.fee(units, price);
    this.cash -= fee;
    this.size[s] = units;
    this.entryPrice[s] = price;
    this.entryBar[s] = bar;
    this.entryFee[s] = fee;
    const long = units > 0;
    const sl = this.stopLoss;
    const tp = this.takeProfit;
    this.stopPrice[s] =
      sl === null ? (long ? -Infinity : Infinity) : price * (long ? 1 - sl : 1 + sl);
    this.targetPrice[s] =
      tp === null ? (long ? Infinity : -Infinity) : price * (long ? 1 + tp : 1 - tp);
    this.openCount++;
  }

  /** Closes symbol `s`'s trade at `rawPrice`, slipped against the trader, on bar `bar`. */
  close(s: number, rawPrice: number, bar: number, reason: ExitReason): void {
    const units = this.size[s]!;
    const price = this.fillPrice(-units, rawPrice);
    const exitFee = this.fee(units, price);
    this.cash += units * (price - this.entryPrice[s]!) - exitFee;
    this.trades.push(this.record(s, price, bar, exitFee + this.entryFee[s]!, reason));
    this.size[s] = 0;
    this.entryPrice[s] = 0;
    this.openCount--;
  }

  /** Symbol `s`'s open trade marked at `price` on `bar`: unrealised, only the entry fee paid. */
  markOpenTrade(s: number, price: number, bar: number): Trade {
    return this.record(s, price, bar, this.entryFee[s]!, 'end_of_data');
  }

  private record(
    s: number,
    exitPrice: number,
    exitBar: number,
    commission: number,
    exitReason: ExitReason,
  ): Trade {
    const size = this.size[s]!;
    const entryPrice = this.entryPrice[s]!;
    const entryBar = this.entryBar[s]!;
    return {
      symbol: this.symbols[s]!,
      size,
      entryBar,
      exitBar,
      entryTime: this.time[entryBar]!,
      exitTime: this.time[exitBar]!,
      entryPrice,
      exitPrice,
      pnl: size * (exitPrice - entryPrice) - commission,
      commission,
      returnPct:
        (Math.sign(size) * (exitPrice / entryPrice - 1) -
          commission / (Math.abs(size) * entryPrice)) *
        100,
      exitReason,
    };
  }
}
