import { DEFAULT_COMMISSION } from '@hindsight/engine';
import type { BacktestRecord } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { parseNumber, parseParams } from '../parse-options.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';
import { formatSummary } from './format-backtest.js';
import { ProgressBar } from './progress-bar.js';
import { watchBacktest } from './watch-backtest.js';

const USAGE = `usage: hindsight submit --strategy NAME --symbol S [--symbol S2 ...] --start DATE --end DATE [options]

Submits a backtest to the Hindsight api and prints its id.

  --strategy NAME       a built-in strategy (GET /api/v1/strategies lists them)
  --symbol S            a cached symbol (GOOG) or source:NAME (synthetic:DEMO); repeatable
  --start DATE, --end DATE  the range of bars, both inclusive (a date --end takes that day)
  --param key=value     a strategy parameter (repeatable)
  --timeframe TF        1m, 5m, 15m, 1h, 1d or 1w (api default 1d)
  --cash N              starting cash (api default 100000)
  --commission F        fraction of notional per fill (api default ${DEFAULT_COMMISSION})
  --conventions NAME    hindsight or backtesting.py (api default hindsight)
  --name TEXT           a name for the backtest
  --tag TAG             a tag (repeatable)
  --watch               follow it live: a progress bar on stderr, then the summary
  --json                print JSON: the submit answer, or with --watch the finished record
${API_OPTIONS_USAGE}`;

/** The api's SubmitAccepted: a replayed submit may answer a started or finished backtest. */
export interface SubmitAnswer {
  id: string;
  status: BacktestRecord['status'];
  queuePosition: number | null;
  estimatedWaitSeconds: number | null;
}

/** `hindsight submit`: see USAGE. Exit 1 when a watched backtest fails or is cancelled. */
export const submitCommand = defineCommand({
  name: 'submit',
  usage: USAGE,
  options: {
    strategy: { type: 'string' },
    symbol: { type: 'string', multiple: true },
    start: { type: 'string' },
    end: { type: 'string' },
    param: { type: 'string', multiple: true },
    timeframe: { type: 'string' },
    cash: { type: 'string' },
    commission: { type: 'string' },
    conventions: { type: 'string' },
    name: { type: 'string' },
    tag: { type: 'string', multiple: true },
    watch: { type: 'boolean' },
    json: { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values }, io) {
    if (!values.strategy)
      throw new CliError('--strategy is required (see hindsight submit --help)');
    if (!values.symbol?.length) throw new CliError('at least one --symbol is required');
    if (!values.start || !values.end) throw new CliError('--start and --end are required');
    // Only what the user gave: the api fills in its defaults and validates everything.
    const body = {
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values.tag === undefined ? {} : { tags: values.tag }),
      strategy: { name: values.strategy, params: parseParams(values.param ?? []) },
      symbols: values.symbol,
      start: values.start,
      end: values.end,
      ...(values.timeframe === undefined ? {} : { timeframe: values.timeframe }),
      ...(values.cash === undefined ? {} : { cash: parseNumber('--cash', values.cash, 0) }),
      ...(values.commission === undefined
        ? {}
        : { commission: parseNumber('--commission', values.commission, 0) }),
      ...(values.conventions === undefined ? {} : { conventions: values.conventions }),
    };
    const client = apiClientFrom(values, io.env);
    const accepted = await client.request<SubmitAnswer>('POST', '/api/v1/backtests', body);
    if (!values.watch) {
      io.stdout.write(values.json ? `${JSON.stringify(accepted)}\n` : `${accepted.id}\n`);
      return 0;
    }
    if (!values.json) io.stdout.write(`${accepted.id}\n`);

    const bar = new ProgressBar(io.stderr);
    const terminal = await watchBacktest(client, accepted.id, {
      onEvent: (event) => {
        if (event.type === 'progress') bar.update(event.data);
      },
      onReconnect: (attempt, after) => {
        bar.done();
        io.stderr.write(`event stream dropped: reconnecting after seq ${after} (try ${attempt})\n`);
      },
    });
    bar.done();
    if (values.json) {
      const record = await client.request<BacktestRecord>(
        'GET',
        `/api/v1/backtests/${encodeURIComponent(accepted.id)}`,
      );
      io.stdout.write(`${JSON.stringify(record)}\n`);
    }
    switch (terminal.type) {
      case 'completed':
        if (!values.json) io.stdout.write(formatSummary(terminal.data.summary));
        return 0;
      case 'failed':
        io.stderr.write(
          `hindsight submit: backtest ${accepted.id} failed: ${terminal.data.error.code}: ${terminal.data.error.message}\n`,
        );
        return 1;
      case 'cancelled':
        io.stderr.write(
          `hindsight submit: backtest ${accepted.id} was cancelled${terminal.data.reason ? `: ${terminal.data.reason}` : ''}\n`,
        );
        return 1;
    }
  },
});
