import { type PreparedBacktest, prepareBacktest } from '@hindsight/backtest';
import type { Bars, IndicatorProvider, Signals } from '@hindsight/engine';
import type { BacktestRecord } from '@hindsight/models';
import type { BarRequest } from './bar-source.js';
import { BacktestInputError } from './failure.js';

/**
 * A stored backtest prepared for a job: the api prepared and checked it at submit, so this only
 * resolves the strategy and its (already resolved) parameters again - each job may run in
 * another process - and trusts the rest. Throws the engine's error for a strategy it lacks.
 */
export function prepareStored(record: Pick<BacktestRecord, 'config'>): PreparedBacktest {
  return prepareBacktest(record.config, { submitted: true });
}

/**
 * The check a backtest passes per symbol before it is simulated: the strategy's warm-up is
 * shorter than the bars. Returns the signals (the simulation reuses them on the same bars),
 * read from `indicators` when given (the series the indicators step stored);
 * throws a BacktestInputError naming the fix, so a bad config fails once, with a reason,
 * whichever job finds it (the indicators job, or the simulation when it runs alone).
 */
export function strategyFitsBars(
  prepared: PreparedBacktest,
  request: BarRequest,
  bars: Bars,
  indicators?: IndicatorProvider,
): Signals {
  const signals = prepared.strategy.signals(bars, prepared.params, indicators);
  if (signals.warmup >= bars.length) {
    throw new BacktestInputError(
      `strategy ${prepared.request.strategy.name} with these parameters needs a longer warm-up than the ` +
        `${bars.length} ${request.timeframe} bars of ${request.symbol} from ` +
        `${request.start} to ${request.end}: widen the range or shorten the periods`,
    );
  }
  return signals;
}
