import type { SweepEvent } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { type FinishedSweep, formatLeaderboard, formatWalkForward } from '../format-leaderboard.js';
import { GRID_USAGE, parseGrid } from '../grid-option.js';
import { parseNumber, parseParams } from '../parse-options.js';
import { parseSearch, SEARCH_OPTIONS, SEARCH_USAGE } from '../search-option.js';
import {
  parseWalkForward,
  WALK_FORWARD_OPTIONS,
  WALK_FORWARD_USAGE,
} from '../walk-forward-option.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';
import { watchEvents } from './watch-backtest.js';

const USAGE = `usage: hindsight submit-sweep --symbol S --strategy NAME --grid P=SPEC [--grid P2=SPEC ...] [options]

Submits a parameter sweep to the Hindsight api and prints its id; with --watch follows its
progress live, then prints the top 10 of its leaderboard. (hindsight sweep runs a sweep on this
machine, without the service.)

  --strategy NAME       a built-in strategy (GET /api/v1/strategies lists them)
  --symbol S            a cached symbol (GOOG) or source:NAME (synthetic:DEMO); repeatable
${GRID_USAGE}
  --param key=value     a fixed strategy parameter (repeatable)
  --objective KEY       the statistic to maximise (api default sharpeRatio)
${SEARCH_USAGE}
${WALK_FORWARD_USAGE}
  --start DATE, --end DATE  the range of bars, both inclusive
  --timeframe TF        1m, 5m, 15m, 1h, 1d or 1w (api default 1d)
  --cash N              starting cash (api default 100000)
  --commission F        fraction of notional per fill
  --conventions NAME    hindsight or backtesting.py (api default hindsight)
  --watch               follow it live: progress on stderr, then the leaderboard
  --json                print JSON: the submit answer, or with --watch the finished sweep
                        (GET /api/v1/sweeps/:id)
${API_OPTIONS_USAGE}`;

/** `hindsight submit-sweep`: see USAGE. Exit 1 when the sweep fails or is cancelled. */
export const submitSweepCommand = defineCommand({
  name: 'submit-sweep',
  usage: USAGE,
  options: {
    strategy: { type: 'string' },
    symbol: { type: 'string', multiple: true },
    grid: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    objective: { type: 'string' },
    ...SEARCH_OPTIONS,
    ...WALK_FORWARD_OPTIONS,
    start: { type: 'string' },
    end: { type: 'string' },
    timeframe: { type: 'string' },
    cash: { type: 'string' },
    commission: { type: 'string' },
    conventions: { type: 'string' },
    watch: { type: 'boolean' },
    json: { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values }, io) {
    if (!values.strategy)
      throw new CliError('--strategy is required (see hindsight submit-sweep --help)');
    if (!values.symbol?.length) throw new CliError('at least one --symbol is required');
    if (!values.grid?.length)
      throw new CliError('at least one --grid is required, e.g. fast=5:50:5');
    const grid = parseGrid(values.grid);
    const search = parseSearch(values);
    const walkForward = parseWalkForward(values);
    // Only what the user gave (walkForward checked and completed from the api's schema, as
    // hindsight sweep does): the api fills in its defaults and validates everything.
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
      ...(search === undefined ? {} : { search }),
      ...(walkForward === undefined ? {} : { walkForward }),
    };
    const client = apiClientFrom(values, io.env);
    const accepted = await client.request<{ id: string }>('POST', '/api/v1/sweeps', body);
    // The seed repeats the sample, here or with hindsight sweep; say it when it was drawn here.
    if (search !== undefined && values.seed === undefined) {
      io.stderr.write(`random search: ${search.samples} samples, --seed ${search.seed}\n`);
    }
    if (!values.watch) {
      io.stdout.write(values.json ? `${JSON.stringify(accepted)}\n` : `${accepted.id}\n`);
      return 0;
    }
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
    const view = await client.request<FinishedSweep>(
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
          `hindsight submit-sweep: sweep ${accepted.id} failed: ${terminal.data.error.code}: ${terminal.data.error.message}\n`,
        );
        return 1;
      case 'cancelled':
        io.stderr.write(`hindsight submit-sweep: sweep ${accepted.id} was cancelled\n`);
        return 1;
    }
  },
});
