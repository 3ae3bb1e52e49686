import {
  defaultSweepThreads,
  type GridValue,
  gridSize,
  planSweep,
  runSweepThreads,
  type SweepCell,
  type SweepObjective,
  summarizeSweep,
} from '@hindsight/backtest';
import { OBJECTIVE_KEYS } from '@hindsight/models';
import { BARS_OPTIONS, BARS_USAGE, loadBarsFrom } from '../bars-option.js';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { formatLeaderboard } from '../format-leaderboard.js';
import { GRID_USAGE, parseGrid } from '../grid-option.js';
import { parseParams } from '../parse-options.js';
import { SIMULATION_OPTIONS, SIMULATION_USAGE, simulationFrom } from '../simulation-options.js';
import { ProgressBar } from './progress-bar.js';

/**
 * The most combinations one local sweep runs, as the service's largest tier (SWEEP_COMBOS_PRO):
 * every combination's statistics are kept to the end, and the overfitting statistics' cost grows
 * with the number of trials (CSCV ranks every trial in each of 12,870 splits).
 */
const MAX_LOCAL_COMBOS = 100_000;

const USAGE = `usage: hindsight sweep (--data FILE.csv | --symbol NAME) --strategy NAME --grid P=SPEC [--grid P2=SPEC ...] [options]

Runs a parameter sweep on this machine, one worker thread per core (no service, no Redis): every
combination of the grid through the same code as a standalone backtest, then the top 10 by the
objective with their deflated and probabilistic Sharpe ratios, and the probability of backtest
overfitting of the whole search. (hindsight submit-sweep runs one on the service.)

${BARS_USAGE}

  --strategy NAME       a built-in strategy
${GRID_USAGE}
  --param key=value     a fixed strategy parameter (repeatable)
  --objective KEY[:min] the statistic to rank by, maximised (default sharpeRatio); :min to
                        minimise it (volatilityAnnPct:min; drawdowns are negative, so the
                        shallowest maxDrawdownPct is the largest: maximise it)
  --threads N           worker threads (default: one per core, here ${defaultSweepThreads()})
${SIMULATION_USAGE}
  --json                print one JSON object { combos, objective, best, leaderboard,
                        overfitting, results } in the names of GET /api/v1/sweeps/:id; results
                        holds every combination { index, params, status, stats, error }
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
    const simulation = simulationFrom(values);
    const size = gridSize(grid);
    if (size > MAX_LOCAL_COMBOS) {
      throw new CliError(
        `the grid has ${size.toLocaleString('en-US')} combinations, more than the ${MAX_LOCAL_COMBOS.toLocaleString('en-US')} a sweep may run: narrow a --grid`,
      );
    }
    const plan = planSweep({
      strategy: values.strategy,
      params: parseParams(values.param ?? []),
      grid,
    });
    if (plan.runnable.length === 0) {
      throw new CliError(
        `the strategy refuses all ${plan.total} combinations of the grid (${plan.skipped[0]?.reason})`,
      );
    }
    const { symbol, bars } = await loadBarsFrom(values, io.env);

    const bar = new ProgressBar(io.stderr);
    const step = `${plan.runnable.length} combinations on ${Math.min(threads, plan.runnable.length)} threads`;
    bar.update({ progress: 0, step, barsProcessed: null });
    const started = performance.now();
    const ran = await runSweepThreads({
      strategy: values.strategy,
      symbols: [{ symbol, bars }],
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
      io.stdout.write(`${JSON.stringify({ combos, objective, ...summary, results })}\n`);
    } else {
      const shown = { combos, leaderboard: summary.leaderboard, overfitting: summary.overfitting };
      io.stdout.write(formatLeaderboard(shown, objective.key, Object.keys(grid)));
    }
    return 0;
  },
});

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
