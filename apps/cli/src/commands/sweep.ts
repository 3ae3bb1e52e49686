import { MAX_GRID_VALUES, type SweepEvent, type WalkForwardReport } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { formatStat } from '../format-stat.js';
import { parseNumber, parseParams, parseValue } from '../parse-options.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';
import { watchEvents } from './watch-backtest.js';

const USAGE = `usage: hindsight sweep --symbol S --strategy NAME --grid P=SPEC [--grid P2=SPEC ...] [options]

Submits a parameter sweep to the Hindsight api, follows its progress live, then prints the top 10
of its leaderboard.

  --strategy NAME       a built-in strategy (GET /api/v1/strategies lists them)
  --symbol S            a cached symbol (GOOG) or source:NAME (synthetic:DEMO); repeatable
  --grid P=SPEC         the values of parameter P to try: start:stop:step (both ends included,
                        e.g. fast=5:50:5) or a list (fast=5,10,20); repeatable, one per parameter
  --param key=value     a fixed strategy parameter (repeatable)
  --objective KEY       the statistic to maximise (api default sharpeRatio)
  --walk-forward K      also a walk-forward analysis in K folds (2..20): optimise in sample,
                        test the choice on the window after; prints each fold's choice
  --walk-forward-mode M rolling (api default) or anchored
  --in-sample-fraction F  each fold's in-sample share, 0 < F < 1 (api default 0.75)
  --start DATE, --end DATE  the range of bars, both inclusive
  --timeframe TF        1m, 5m, 15m, 1h, 1d or 1w (api default 1d)
  --cash N              starting cash (api default 100000)
  --commission F        fraction of notional per fill
  --conventions NAME    hindsight or backtesting.py (api default hindsight)
  --json                print the finished sweep (GET /api/v1/sweeps/:id) as JSON
${API_OPTIONS_USAGE}`;

/** The parts of the api's SweepView this command prints. */
interface SweepView {
  id: string;
  status: string;
  combos: { total: number; done: number; skipped: number; failed: number };
  leaderboard: Array<{
    rank: number;
    params: Record<string, unknown>;
    stats: Record<string, number | null>;
    deflatedSharpeRatio: number | null;
    probabilisticSharpeRatio: number | null;
  }>;
  walkForward?: WalkForwardReport;
}

const SHOWN = 10;

/** Digits after the point, so 0.1 steps give 0.3, not 0.30000000000000004. */
function decimals(raw: string): number {
  const dot = raw.indexOf('.');
  return dot < 0 ? 0 : raw.length - dot - 1;
}

function gridNumber(spec: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliError(`--grid ${spec}: "${raw}" is not a number`);
  }
  return value;
}

/** `start:stop:step`, both ends included. */
function parseRange(spec: string, body: string): number[] {
  const parts = body.split(':');
  if (parts.length !== 3) {
    throw new CliError(`--grid ${spec}: a range is start:stop:step, e.g. fast=5:50:5`);
  }
  const [start, stop, step] = parts.map((p) => gridNumber(spec, p.trim())) as [
    number,
    number,
    number,
  ];
  if (step <= 0) throw new CliError(`--grid ${spec}: the step must be positive`);
  if (stop < start) throw new CliError(`--grid ${spec}: the stop is below the start`);
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_GRID_VALUES) {
    throw new CliError(
      `--grid ${spec}: ${count} values, more than the ${MAX_GRID_VALUES} a parameter may have`,
    );
  }
  const digits = Math.max(...parts.map((p) => decimals(p.trim())));
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toFixed(digits)));
}

/** `--grid` options into the request's grid; every mistake is one line naming the option. */
export function parseGrid(specs: readonly string[]): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, Math.max(0, eq)).trim();
    const body = spec.slice(eq + 1).trim();
    if (eq <= 0 || name === '' || body === '') {
      throw new CliError(
        `--grid must look like name=start:stop:step or name=v1,v2,..., got "${spec}"`,
      );
    }
    if (name in grid) throw new CliError(`--grid ${name} is given twice`);
    if (body.includes(':')) {
      grid[name] = parseRange(spec, body);
      continue;
    }
    const values = body.split(',').map((raw) => raw.trim());
    if (values.some((v) => v === '')) throw new CliError(`--grid ${spec}: an empty value`);
    // Numbers and booleans parsed as --param parses them; the strategy's schema judges the rest.
    grid[name] = values.map(parseValue);
  }
  return grid;
}

function formatParams(params: Record<string, unknown>, keys: readonly string[]): string {
  return keys.map((key) => `${key}=${String(params[key])}`).join(' ');
}

function formatLeaderboard(view: SweepView, objective: string, keys: readonly string[]): string {
  const { combos } = view;
  const lines = [
    `${combos.total} combinations: ${combos.done - combos.skipped - combos.failed} ran, ${combos.skipped} skipped, ${combos.failed} failed`,
    `rank  ${objective.padEnd(14)} DSR     PSR     params`,
  ];
  for (const entry of view.leaderboard.slice(0, SHOWN)) {
    const value = entry.stats[objective] ?? null;
    lines.push(
      `${String(entry.rank).padStart(4)}  ${formatStat(value).padEnd(14)} ${formatStat(entry.deflatedSharpeRatio).padEnd(7)} ${formatStat(entry.probabilisticSharpeRatio).padEnd(7)} ${formatParams(entry.params, keys)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line a fold: its windows' dates, the parameters chosen in sample, both objectives. */
function formatWalkForward(report: WalkForwardReport, keys: readonly string[]): string {
  const { key } = report.objective;
  const day = (iso: string) => iso.slice(0, 10);
  const lines = [
    `walk-forward, ${report.folds.length} ${report.mode} folds (${report.inSampleBars} in-sample, ${report.outOfSampleBars} out-of-sample bars):`,
    `fold  in sample               out of sample            IS ${key.padEnd(11)} OOS ${key.padEnd(10)} params`,
  ];
  for (const fold of report.folds) {
    const oos = fold.outOfSampleStats[key as keyof typeof fold.outOfSampleStats] as number | null;
    lines.push(
      `${String(fold.fold).padStart(4)}  ${day(fold.inSample.start)}..${day(fold.inSample.end)}  ${day(fold.outOfSample.start)}..${day(fold.outOfSample.end)}  ${formatStat(fold.inSampleObjective).padEnd(14)} ${formatStat(oos).padEnd(14)} ${formatParams(fold.params, keys)}`,
    );
  }
  lines.push(
    `stitched out of sample: return ${formatStat(report.stats.returnPct)} %, ${key} ${formatStat(report.stats[key as keyof typeof report.stats] as number | null)}; walk-forward efficiency ${formatStat(report.efficiency)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--walk-forward` and its two options into the request's `walkForward`, checked by the api. */
function walkForwardOf(values: {
  'walk-forward'?: string | undefined;
  'walk-forward-mode'?: string | undefined;
  'in-sample-fraction'?: string | undefined;
}): Record<string, unknown> | undefined {
  const folds = values['walk-forward'];
  if (folds === undefined) {
    if (values['walk-forward-mode'] !== undefined || values['in-sample-fraction'] !== undefined) {
      throw new CliError('--walk-forward-mode and --in-sample-fraction need --walk-forward K');
    }
    return undefined;
  }
  return {
    folds: parseNumber('--walk-forward', folds, 0),
    ...(values['walk-forward-mode'] === undefined ? {} : { mode: values['walk-forward-mode'] }),
    ...(values['in-sample-fraction'] === undefined
      ? {}
      : { inSampleFraction: parseNumber('--in-sample-fraction', values['in-sample-fraction'], 0) }),
  };
}

/** `hindsight sweep`: see USAGE. Exit 1 when the sweep fails or is cancelled. */
export const sweepCommand = defineCommand({
  name: 'sweep',
  usage: USAGE,
  options: {
    strategy: { type: 'string' },
    symbol: { type: 'string', multiple: true },
    grid: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    objective: { type: 'string' },
    'walk-forward': { type: 'string' },
    'walk-forward-mode': { type: 'string' },
    'in-sample-fraction': { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    timeframe: { type: 'string' },
    cash: { type: 'string' },
    commission: { type: 'string' },
    conventions: { type: 'string' },
    json: { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values }, io) {
    if (!values.strategy) throw new CliError('--strategy is required (see hindsight sweep --help)');
    if (!values.symbol?.length) throw new CliError('at least one --symbol is required');
    if (!values.grid?.length)
      throw new CliError('at least one --grid is required, e.g. fast=5:50:5');
    const grid = parseGrid(values.grid);
    const walkForward = walkForwardOf(values);
    // Only what the user gave: the api fills in its defaults and validates everything.
    const body = {
      strategy: { name: values.strategy, params: parseParams(values.param ?? []) },
      symbols: values.symbol,
      grid,
      ...(values.objective === undefined ? {} : { objective: values.objective }),
      ...(values.start === undefined ? {} : { start: values.start }),
      ...(values.end === undefined ? {} : { end: values.end }),
      ...(values.timeframe === undefined ? {} : { timeframe: values.timeframe }),
      ...(values.cash === undefined ? {} : { cash: parseNumber('--cash', values.cash, 0) }),
      ...(values.commission === undefined
        ? {}
        : { commission: parseNumber('--commission', values.commission, 0) }),
      ...(values.conventions === undefined ? {} : { conventions: values.conventions }),
      ...(walkForward === undefined ? {} : { walkForward }),
    };
    const client = apiClientFrom(values, io.env);
    const accepted = await client.request<{ id: string }>('POST', '/api/v1/sweeps', body);
    io.stderr.write(`sweep ${accepted.id}\n`);
    const terminal = await watchEvents<SweepEvent>(client, 'sweep', accepted.id, {
      onEvent: (event) => {
        if (event.type !== 'progress') return;
        const { done, total, skipped, failed } = event.data;
        io.stderr.write(
          `${done}/${total} combinations (${skipped} skipped, ${failed} failed) ${Math.round(event.data.progress * 100)}%\n`,
        );
      },
      onReconnect: (attempt, after) =>
        io.stderr.write(`event stream dropped: reconnecting after seq ${after} (try ${attempt})\n`),
    });
    const view = await client.request<SweepView>(
      'GET',
      `/api/v1/sweeps/${encodeURIComponent(accepted.id)}`,
    );
    if (values.json) io.stdout.write(`${JSON.stringify(view)}\n`);
    switch (terminal.type) {
      case 'completed':
        if (!values.json) {
          io.stdout.write(
            formatLeaderboard(view, values.objective ?? 'sharpeRatio', Object.keys(grid)),
          );
          if (view.walkForward) {
            io.stdout.write(formatWalkForward(view.walkForward, Object.keys(grid)));
          }
        }
        return 0;
      case 'failed':
        io.stderr.write(
          `hindsight sweep: sweep ${accepted.id} failed: ${terminal.data.error.code}: ${terminal.data.error.message}\n`,
        );
        return 1;
      case 'cancelled':
        io.stderr.write(`hindsight sweep: sweep ${accepted.id} was cancelled\n`);
        return 1;
    }
  },
});
