import {
  checkWalkForward,
  defaultSweepThreads,
  type GridValue,
  gridSize,
  planSweep,
  runSweepThreads,
  runWalkForwardThreads,
  type SweepCell,
  type SweepObjective,
  summarizeSweep,
  sweepColumns,
  WalkForwardError,
} from '@hindsight/backtest';
import { getStrategy } from '@hindsight/engine';
import { OBJECTIVE_KEYS, type WalkForwardReport } from '@hindsight/models';
import { BARS_OPTIONS, BARS_USAGE, loadBarsFrom } from '../bars-option.js';
import { CliError, type CliIo } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { formatLeaderboard, formatWalkForward } from '../format-leaderboard.js';
import { GRID_USAGE, parseGrid } from '../grid-option.js';
import { parseParams } from '../parse-options.js';
import { parseSearch, SEARCH_OPTIONS, SEARCH_USAGE } from '../search-option.js';
import { SIMULATION_OPTIONS, SIMULATION_USAGE, simulationFrom } from '../simulation-options.js';
import {
  parseWalkForward,
  WALK_FORWARD_OPTIONS,
  WALK_FORWARD_USAGE,
} from '../walk-forward-option.js';
import { ProgressBar } from './progress-bar.js';

/**
 * The most combinations one local sweep runs, as the service's largest tier (SWEEP_COMBOS_PRO):
 * every combination's statistics are kept to the end, and the overfitting statistics' cost grows
 * with the number of trials (CSCV ranks every trial in each of 12,870 splits).
 */
const MAX_LOCAL_COMBOS = 100_000;

const USAGE = `usage: hindsight sweep (--data FILE.csv | --symbol NAME) --strategy NAME --grid P=SPEC [--grid P2=SPEC ...] [options]

Runs a parameter sweep on this machine, one worker thread per core (no service, no Redis): every
combination of the grid (or a random sample of it) through the same code as a standalone
backtest, then the top 10 by the objective with their deflated and probabilistic Sharpe ratios,
and the probability of backtest overfitting of the whole search; with --walk-forward also the
service's walk-forward analysis, each fold's in-sample sweep on the threads. (hindsight
submit-sweep runs one on the service.)

${BARS_USAGE}

  --strategy NAME       a built-in strategy
${GRID_USAGE}
${SEARCH_USAGE}
  --param key=value     a fixed strategy parameter (repeatable)
  --objective KEY[:min] the statistic to rank by, maximised (default sharpeRatio); :min to
                        minimise it (volatilityAnnPct:min; drawdowns are negative, so the
                        shallowest maxDrawdownPct is the largest: maximise it)
${WALK_FORWARD_USAGE}
  --threads N           worker threads (default: one per core, here ${defaultSweepThreads()})
${SIMULATION_USAGE}
  --json                print one JSON object { combos, objective, search?, best,
                        leaderboard, overfitting, walkForward?, results } in the names of
                        GET /api/v1/sweeps/:id; results holds every combination
                        { index, params, status, stats, error }
`;

function parseObjective(raw: string | undefined): SweepObjective {
  const [key = '', direction = 'max', ...rest] = (raw ?? 'sharpeRatio').split(':');
  if (!(OBJECTIVE_KEYS as readonly string[]).includes(key)) {
    throw new CliError(
      `--objective: unknown statistic "${key}" (known: ${OBJECTIVE_KEYS.join(', ')})`,
    );
  }
  if ((direction !== 'max' && direction !== 'min') || rest.length > 0) {
    throw new CliError(`--objective must be KEY, KEY:max or KEY:min, got "${raw}"`);
  }
  return { key: key as SweepObjective['key'], direction };
}

function parseThreads(raw: string | undefined): number {
  if (raw === undefined) return defaultSweepThreads();
  const threads = Number(raw);
  if (!/^\d+$/.test(raw) || threads < 1 || threads > 256) {
    throw new CliError(`--threads must be a whole number from 1 to 256, got "${raw}"`);
  }
  return threads;
}

/** `hindsight sweep`: see USAGE. */
export const sweepCommand = defineCommand({
  name: 'sweep',
  usage: USAGE,
  options: {
    ...BARS_OPTIONS,
    strategy: { type: 'string' },
    grid: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    objective: { type: 'string' },
    ...SEARCH_OPTIONS,
    ...WALK_FORWARD_OPTIONS,
    threads: { type: 'string' },
    ...SIMULATION_OPTIONS,
    json: { type: 'boolean' },
  },
  renamed: { '--from': '--start', '--to': '--end' },
  async run({ values }, io) {
    if (!values.strategy) throw new CliError('--strategy is required (see hindsight sweep --help)');
    if (!values.grid?.length) {
      throw new CliError('at least one --grid is required, e.g. fast=5:50:5');
    }
    const grid = parseGrid(values.grid) as Record<string, GridValue[]>;
    const objective = parseObjective(values.objective);
    const threads = parseThreads(values.threads);
    const search = parseSearch(values);
    const walkForward = parseWalkForward(values);
    const simulation = simulationFrom(values);
    const size = gridSize(grid);
    // Counted before expanding, as the service counts: a sample of a huge grid is fine.
    const requested = search ? Math.min(size, search.samples) : size;
    if (requested > MAX_LOCAL_COMBOS) {
      throw new CliError(
        search
          ? `--samples ${search.samples}: more than the ${MAX_LOCAL_COMBOS.toLocaleString('en-US')} combinations a sweep may run`
          : `the grid has ${size.toLocaleString('en-US')} combinations, more than the ${MAX_LOCAL_COMBOS.toLocaleString('en-US')} a sweep may run: narrow a --grid`,
      );
    }
    if (!Number.isSafeInteger(size)) {
      throw new CliError(`the grid has ${size} combinations, too many to number: narrow a --grid`);
    }
    const plan = planSweep({
      strategy: values.strategy,
      params: parseParams(values.param ?? []),
      grid,
      ...(search === undefined ? {} : { search }),
    });
    if (plan.runnable.length === 0) {
      throw new CliError(
        `the strategy refuses all ${plan.total} combinations ${search ? 'drawn from' : 'of'} the grid (${plan.skipped[0]?.reason})`,
      );
    }
    const strategy = getStrategy(values.strategy);
    // Only the columns some combination reads are loaded (as `hindsight run` loads its run's).
    const columns = sweepColumns({ strategy, simulation, combos: plan.runnable });
    const { symbol, bars } = await loadBarsFrom(values, io.env, columns);
    const symbols = [{ symbol, bars }];
    if (walkForward) {
      // Before any work, as the worker checks before its chunks: windows or warm-ups too long for
      // these bars are one line, not a failure after the sweep.
      await walkForwardRefusal(() =>
        checkWalkForward({
          strategy,
          symbols,
          combos: plan.runnable,
          spec: walkForward,
        }),
      );
    }

    // The seed, given or drawn, repeats the sample.
    if (search) {
      io.stderr.write(
        `random search: ${plan.total} of ${size} combinations, --seed ${search.seed}\n`,
      );
    }

    const bar = new ProgressBar(io.stderr);
    const step = `${plan.runnable.length} combinations on ${Math.min(threads, plan.runnable.length)} threads`;
    bar.update({ progress: 0, step, barsProcessed: null });
    const started = performance.now();
    const ran = await runSweepThreads({
      strategy: values.strategy,
      symbols,
      simulation,
      combos: plan.runnable,
      threads,
      onProgress: (done) =>
        bar.update({ progress: done / plan.runnable.length, step, barsProcessed: null }),
    });
    const seconds = (performance.now() - started) / 1000;
    bar.done();
    io.stderr.write(
      `${ran.length} backtests of ${bars.length} bars in ${seconds.toFixed(2)} s (${Math.round(ran.length / seconds)}/s)\n`,
    );

    const walkForwardReport =
      walkForward &&
      (await walkForwardOn(io, {
        strategy: values.strategy,
        symbols,
        simulation,
        combos: plan.runnable,
        spec: walkForward,
        objective,
        threads,
      }));

    const summarizing = performance.now();
    const summary = summarizeSweep(ran, objective);
    io.stderr.write(
      `statistics across ${summary.overfitting.trials} trials (DSR, PSR, PBO) in ${((performance.now() - summarizing) / 1000).toFixed(2)} s\n`,
    );
    const failed = ran.filter((cell) => cell.status === 'failed').length;
    const combos = { total: plan.total, done: plan.total, skipped: plan.skipped.length, failed };
    if (values.json) {
      const results = [
        ...ran.map(resultItem),
        ...plan.skipped.map(({ index, params, reason }) => ({
          index,
          params,
          status: 'skipped',
          stats: null,
          error: reason,
        })),
      ].sort((a, b) => a.index - b.index);
      const json = {
        combos,
        objective,
        ...(search === undefined ? {} : { search }),
        ...summary,
        ...(walkForwardReport ? { walkForward: walkForwardReport } : {}),
        results,
      };
      io.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      const shown = { combos, leaderboard: summary.leaderboard, overfitting: summary.overfitting };
      io.stdout.write(formatLeaderboard(shown, objective.key, Object.keys(grid)));
      if (walkForwardReport) {
        io.stdout.write(formatWalkForward(walkForwardReport, Object.keys(grid)));
      }
    }
    return 0;
  },
});

/** A WalkForwardError as one line naming the option. */
async function walkForwardRefusal<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WalkForwardError) throw new CliError(`--walk-forward: ${error.message}`);
    throw error;
  }
}

/** The walk-forward analysis on the threads, with its own progress line. */
async function walkForwardOn(
  io: CliIo,
  input: Omit<Parameters<typeof runWalkForwardThreads>[0], 'onProgress'>,
): Promise<WalkForwardReport> {
  const { combos, spec } = input;
  const bar = new ProgressBar(io.stderr);
  const step = `walk-forward: ${combos.length} combinations x ${spec.folds} ${spec.mode} in-sample windows on ${Math.min(input.threads, combos.length)} threads`;
  bar.update({ progress: 0, step, barsProcessed: null });
  const started = performance.now();
  let report: WalkForwardReport;
  try {
    report = await walkForwardRefusal(() =>
      runWalkForwardThreads({
        ...input,
        onProgress: (done) =>
          bar.update({ progress: done / combos.length, step, barsProcessed: null }),
      }),
    );
  } finally {
    bar.done();
  }
  const seconds = (performance.now() - started) / 1000;
  io.stderr.write(
    `walk-forward: ${combos.length * spec.folds} in-sample backtests in ${seconds.toFixed(2)} s\n`,
  );
  return report;
}

/** A cell as GET /api/v1/sweeps/:id/results lists it (no trial summary). */
function resultItem(cell: SweepCell) {
  return cell.status === 'completed'
    ? {
        index: cell.index,
        params: cell.params,
        status: cell.status,
        stats: cell.stats,
        error: null,
      }
    : {
        index: cell.index,
        params: cell.params,
        status: cell.status,
        stats: null,
        error: cell.error,
      };
}
