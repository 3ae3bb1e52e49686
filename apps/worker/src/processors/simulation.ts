import { runPrepared } from '@hindsight/backtest';
import { alignBars, BarsIndicators } from '@hindsight/engine';
import { parseJobPayload, type TerminalStatus } from '@hindsight/models';
import {
  removeCheckpoints,
  removeTaskArtifacts,
  SIMULATION_SPAN,
  STEP_START,
  writeTaskArtifacts,
} from '@hindsight/service';
import { type SandboxedJob, UnrecoverableError } from 'bullmq';
import { requireBars } from '../bar-source.js';
import { announceResume, openCheckpoints } from '../checkpoints.js';
import type { WorkerDeps } from '../deps.js';
import { BacktestInputError } from '../failure.js';
import { worthStoring } from '../indicator-cache.js';
import { ProgressThrottle } from '../progress-throttle.js';
import { buildArtifacts, countResultBytes, summarize } from '../result-artifacts.js';
import { reuseEarlierResult } from '../result-reuse.js';
import { isSkipped, runStep, type StepJob, type StepSkipped } from '../run-step.js';
import { sandboxData, sandboxDeps } from '../sandbox-deps.js';
import { prepareStored, strategyFitsBars } from '../strategy-fit.js';
import { deliverParentMessages } from '../thread-messages.js';

/** What a simulation job returns to BullMQ: the id and how the backtest ended, never a series. */
export interface SimulationJobResult {
  backtestId: string;
  status: TerminalStatus | 'deleted';
  reused: boolean;
}

export interface SimulationRunOptions {
  /** Called between chunks of bars; in a sandbox it lets the thread hear a cancel. */
  yieldToEvents?: () => void;
  /** Shortest time between two progress events. */
  progressIntervalMs?: number;
  /** Bars between two progress callbacks of the simulator (each one may yield). */
  progressEveryBars?: number;
}

/**
 * `run-simulation`: the engine run of one backtest, from the cached bars to the stored result.
 * CPU-bound, so it runs in a worker thread (the default export below), where it cannot starve
 * the lock renewal of the worker's own event loop.
 */
export async function runSimulationJob(
  deps: WorkerDeps,
  job: StepJob & { data: unknown },
  signal: AbortSignal | undefined,
  options: SimulationRunOptions = {},
  token?: string,
): Promise<SimulationJobResult> {
  const payload = parseJobPayload('run-simulation', job.data);
  const backtestId = payload.backtestId;
  const log = deps.logger.child({ queue: 'simulation', jobId: job.id, backtestId });
  const { lifecycle } = deps;
  let outcome: SimulationJobResult | StepSkipped;
  try {
    outcome = await runStep(
      deps,
      { job, backtestId, step: 'simulation', signal, token, log, message: 'simulating' },
      async (record): Promise<SimulationJobResult> => {
        if (await reuseEarlierResult(deps, record)) {
          return { backtestId, status: 'completed', reused: true };
        }
        const { config } = record;
        // Run alone (cached bars), this job is also the indicators step's check; after it, the
        // check keeps the two paths' errors equal, and its signals are the simulation's own
        // whenever aligning leaves the bars as they are. For a long run the series the indicators
        // step stored for these bars are read, the others computed here (bit for bit the same
        // values); a short one computes them all, which is cheaper than reading files.
        const prepared = prepareStored(record);
        const specs = prepared.strategy.indicators(prepared.params);
        const loaded = await Promise.all(
          config.symbols.map(async (symbol) => {
            const request = {
              symbol,
              timeframe: config.timeframe,
              start: config.start,
              end: config.end,
            };
            const { bars: loadedBars, dataVersion } = await deps.bars.load(request, signal);
            const bars = requireBars(request, loadedBars);
            const stored =
              dataVersion === null || specs.length === 0 || !worthStoring(deps.config, bars.length)
                ? []
                : await deps.indicators.stored(dataVersion, specs, bars.length);
            // A cancel or a shutdown heard while the bars loaded stops here, before the
            // strategy's pass over them (seconds, for millions of bars).
            options.yieldToEvents?.();
            signal?.throwIfAborted();
            // Nothing stored: the strategy's own pass, which may skip series arrays altogether.
            const indicators = stored.length === 0 ? undefined : new BarsIndicators(bars, stored);
            const signals = strategyFitsBars(prepared, request, bars, indicators);
            options.yieldToEvents?.();
            signal?.throwIfAborted();
            return { symbol, bars, signals, dataVersion };
          }),
        );
        const aligned = alignBars(loaded.map(({ bars }) => bars));
        if (aligned[0]!.length === 0) {
          throw new BacktestInputError(
            `${config.symbols.join(', ')} share no bar timestamps between ${config.start} and ${config.end}`,
          );
        }
        const symbols = loaded.map(({ symbol, bars, signals }, i) => {
          const kept = aligned[i]!;
          // Signals of the unaligned bars fit only when alignment kept them whole.
          return kept === bars ? { symbol, bars, signals } : { symbol, bars: kept };
        });
        const checkpoints = openCheckpoints(deps.config, record, loaded);
        const resumeFrom = checkpoints?.load(aligned[0]!.length, symbols) ?? undefined;
        if (resumeFrom) await announceResume(deps, backtestId, resumeFrom);
        const throttle = new ProgressThrottle(options.progressIntervalMs ?? 100);
        const output = runPrepared(prepared, symbols, {
          signal,
          ...(checkpoints ? { checkpoints: checkpoints.sink() } : {}),
          ...(resumeFrom ? { resumeFrom } : {}),
          progressEveryBars: options.progressEveryBars ?? 4096,
          onProgress: ({ barsProcessed, totalBars, equity }) => {
            options.yieldToEvents?.();
            if (!throttle.ready()) return;
            const fraction = totalBars > 0 ? barsProcessed / totalBars : 1;
            lifecycle
              .progressNow(backtestId, {
                progress: STEP_START.simulation + SIMULATION_SPAN * fraction,
                step: 'simulation',
                message: null,
                barsProcessed,
                equity: Number.isFinite(equity) ? equity : null,
              })
              .catch((error) => log.warn({ err: error }, 'progress not recorded'));
          },
        });
        options.yieldToEvents?.();
        signal?.throwIfAborted();
        await lifecycle.progress(backtestId, {
          progress: STEP_START.saving,
          step: 'saving',
          message: 'writing the result',
          barsProcessed: aligned[0]!.length,
          equity: output.stats.equityFinal,
        });
        const artifacts = buildArtifacts(record, symbols, output, new Date());
        const { written, bytes } = await writeTaskArtifacts(
          deps.config.DATA_ROOT,
          backtestId,
          artifacts,
        );
        if (signal?.aborted) {
          // Cancelled while the files were written: they are nobody's result.
          if (written) await removeTaskArtifacts(deps.config.DATA_ROOT, backtestId);
          signal.throwIfAborted();
        }
        const summary = summarize(output);
        await lifecycle.log(
          backtestId,
          'info',
          `simulated ${aligned[0]!.length} bars: return ${summary.returnPct?.toFixed(2) ?? 'n/a'}%, ` +
            `${summary.trades ?? 0} trades`,
        );
        if (await lifecycle.complete(record, summary)) {
          if (written) await countResultBytes(deps.diskUsage, record, bytes, log);
          log.info({ returnPct: summary.returnPct }, 'completed');
          return { backtestId, status: 'completed', reused: false };
        }
        // Another attempt completed it first (its files stand), or it ended otherwise meanwhile.
        const now = await lifecycle.store.getBacktest(backtestId);
        if (written && now?.status !== 'completed') {
          await removeTaskArtifacts(deps.config.DATA_ROOT, backtestId);
        }
        const status = now === null ? 'deleted' : (now.status as TerminalStatus);
        return { backtestId, status, reused: false };
      },
    );
  } catch (error) {
    // Cancelled or failed for good: nothing will resume. A retry or a hand-back resumes.
    if (error instanceof UnrecoverableError)
      await removeCheckpoints(deps.config.DATA_ROOT, backtestId);
    throw error;
  }
  await removeCheckpoints(deps.config.DATA_ROOT, backtestId);
  if (isSkipped(outcome)) {
    return {
      backtestId,
      status: outcome.reason === 'deleted' ? 'deleted' : outcome.reason,
      reused: false,
    };
  }
  return outcome;
}

/** The sandboxed processor BullMQ runs in a worker thread (`useWorkerThreads`). */
export default async function simulationProcessor(
  job: SandboxedJob,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<SimulationJobResult> {
  const deps = await sandboxDeps();
  return runSimulationJob(
    deps,
    job,
    signal,
    { yieldToEvents: deliverParentMessages, progressIntervalMs: sandboxData().progressIntervalMs },
    token,
  );
}
