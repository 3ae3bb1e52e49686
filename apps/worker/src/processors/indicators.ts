import { BarsIndicators, computeSeries } from '@hindsight/engine';
import type { QueueHandlers } from '@hindsight/models';
import { requireBars } from '../bar-source.js';
import type { WorkerDeps } from '../deps.js';
import { worthStoring } from '../indicator-cache.js';
import type { JobContext } from '../job-context.js';
import { runStep } from '../run-step.js';
import { prepareStored, strategyFitsBars } from '../strategy-fit.js';

/**
 * `compute-indicators`: computes, per symbol, each distinct indicator series the strategy reads
 * and stores it in the indicator cache under the bars' data version (a series already there is
 * read instead: a hit), so the simulation reads them rather than computing them. Then checks the
 * strategy can run on these bars - a warm-up shorter than the data - so a bad config fails here,
 * once, with a reason, before the simulation is scheduled. Returns how many series it computed
 * and how many it found stored.
 *
 * Below INDICATORS_JOB_MIN_BARS bars (the job then runs only because the bars were cold, and
 * orders the flow) storing costs more than computing inline, so it only checks; and bars not
 * read from one settled cache version (a provider's unsettled recent bars) have no data version
 * to key series by. In both cases nothing is stored and the simulation computes inline.
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
          message: `computing the indicators of ${payload.symbol}`,
        },
        async (record) => {
          const prepared = prepareStored(record);
          const loaded = await deps.bars.load(payload, signal);
          const bars = requireBars(payload, loaded.bars);
          const specs = prepared.strategy.indicators(prepared.params);
          const series =
            loaded.dataVersion === null || !worthStoring(deps.config, bars.length)
              ? []
              : await deps.indicators.ensure(loaded.dataVersion, specs, bars.length, (spec) =>
                  computeSeries(bars, spec),
                );
          signal?.throwIfAborted();
          const indicators = new BarsIndicators(
            bars,
            series.map(({ spec, values }) => [spec, values] as const),
          );
          const { warmup } = strategyFitsBars(prepared, payload, bars, indicators);
          const reused = series.filter((s) => s.hit).length;
          const computed = series.length - reused;
          log.debug(
            { symbol: payload.symbol, warmup, bars: bars.length, computed, reused },
            'indicators ready',
          );
          return {
            backtestId: record.id,
            symbol: payload.symbol,
            bars: bars.length,
            warmup,
            computed,
            reused,
          };
        },
      ),
  };
}
