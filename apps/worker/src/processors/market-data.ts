import type { QueueHandlers } from '@hindsight/models';
import { requireBars } from '../bar-source.js';
import type { WorkerDeps } from '../deps.js';
import type { JobContext } from '../job-context.js';
import { reuseEarlierResult } from '../result-reuse.js';
import { runStep } from '../run-step.js';

/**
 * `load-bars`: the first step of a backtest whose bars are not known to be cached. Answers from an
 * earlier identical result when one exists; otherwise makes sure the symbol's bars are in the
 * market-data cache (importing, fetching or generating them), so the later steps read them
 * locally, and records the range as cached so the next submits of it skip this job.
 */
export function marketDataHandlers(deps: WorkerDeps): QueueHandlers<'market-data', JobContext> {
  return {
    'load-bars': (payload, { job, signal, token, log }) =>
      runStep(
        deps,
        {
          job,
          backtestId: payload.backtestId,
          step: 'data',
          signal,
          token,
          log,
          message: `loading ${payload.symbol}`,
        },
        async (record) => {
          if (await reuseEarlierResult(deps, record)) {
            log.info('answered from an earlier result with the same fingerprint');
            return { backtestId: record.id, reused: true };
          }
          const bars = requireBars(payload, (await deps.bars.load(payload, signal)).bars);
          const first = new Date(bars.time[0]!).toISOString();
          const last = new Date(bars.time[bars.length - 1]!).toISOString();
          await deps.lifecycle.log(
            record.id,
            'info',
            `${payload.symbol}: ${bars.length} ${payload.timeframe} bars from ${first} to ${last}`,
          );
          await deps.barsCached
            .mark(payload)
            .catch((error) => log.warn({ err: error }, 'could not record the cached range'));
          log.debug({ symbol: payload.symbol, bars: bars.length }, 'bars ready');
          return { backtestId: record.id, symbol: payload.symbol, bars: bars.length };
        },
      ),
  };
}
