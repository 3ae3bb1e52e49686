import type { QueueHandlers } from '@hindsight/models';
import { requireBars } from '../bar-source.js';
import type { WorkerDeps } from '../deps.js';
import type { JobContext } from '../job-context.js';
import { runStep } from '../run-step.js';
import { prepareStored, strategyFitsBars } from '../strategy-fit.js';

/**
 * `compute-indicators`: checks, per symbol, that the strategy can run on these bars - a warm-up
 * shorter than the data (the rest was checked at submit) - so a bad config fails here, once,
 * with a reason, before the simulation is scheduled.
 *
 * Nothing is cached: every built-in strategy computes its indicators in one pass over typed
 * arrays (microseconds per thousand bars), and the engine takes no precomputed indicators, so a
 * content-hash cache would cost more (hashing, disk) than it saves.
 */
export function indicatorsHandlers(deps: WorkerDeps): QueueHandlers<'indicators', JobContext> {
  return {
    'compute-indicators': (payload, { job, signal, token, log }) =>
      runStep(
        deps,
        {
          job,
          backtestId: payload.backtestId,
          step: 'indicators',
          signal,
          token,
          log,
          message: `checking ${payload.symbol}`,
        },
        async (record) => {
          const prepared = prepareStored(record);
          const bars = requireBars(payload, await deps.bars.load(payload, signal));
          const { warmup } = strategyFitsBars(prepared, payload, bars);
          log.debug(
            { symbol: payload.symbol, warmup, bars: bars.length },
            'strategy fits the data',
          );
          return { backtestId: record.id, symbol: payload.symbol, bars: bars.length, warmup };
        },
      ),
  };
}
