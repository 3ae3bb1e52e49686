import type { BacktestRecord } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';

const USAGE = `usage: hindsight cancel ID

Cancels a backtest: a queued one at once, a running one within a fraction of a second.
A backtest that already ended answers HS_ERR_ALREADY_TERMINAL (exit 1).
${API_OPTIONS_USAGE}`;

/** `hindsight cancel ID`: see USAGE. */
export const cancelCommand = defineCommand({
  name: 'cancel',
  usage: USAGE,
  options: API_OPTIONS,
  positionals: true,
  async run({ values, positionals }, io) {
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw new CliError('give exactly one backtest ID');
    const client = apiClientFrom(values, io.env);
    const record = await client.request<BacktestRecord>(
      'POST',
      `/api/v1/backtests/${encodeURIComponent(id)}/cancel`,
    );
    // 200 means cancelled already; 202 means a running backtest was signalled and stops shortly.
    io.stdout.write(
      record.status === 'cancelled'
        ? `${id} cancelled\n`
        : `${id} is ${record.status}: cancel requested, it stops within a moment (hindsight status ${id})\n`,
    );
    return 0;
  },
});
