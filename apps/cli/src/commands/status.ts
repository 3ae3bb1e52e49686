import type { BacktestRecord } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';
import { formatRecord } from './format-backtest.js';

const USAGE = `usage: hindsight status ID [--json]

One backtest: config, status, progress, timestamps, and its summary or error once it ended.

  --json                print the api's record
${API_OPTIONS_USAGE}`;

/** `hindsight status ID`: see USAGE. */
export const statusCommand = defineCommand({
  name: 'status',
  usage: USAGE,
  options: { json: { type: 'boolean' }, ...API_OPTIONS },
  positionals: true,
  async run({ values, positionals }, io) {
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw new CliError('give exactly one backtest ID');
    const client = apiClientFrom(values, io.env);
    const record = await client.request<BacktestRecord>(
      'GET',
      `/api/v1/backtests/${encodeURIComponent(id)}`,
    );
    io.stdout.write(values.json ? `${JSON.stringify(record)}\n` : formatRecord(record));
    return 0;
  },
});
