import { parseArgs } from 'node:util';
import type { BacktestRecord } from '@hindsight/service';
import { CliError, type CliIo } from '../cli-error.js';
import { describeError } from '../describe-error.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';
import { formatRecord } from './format-backtest.js';

const USAGE = `usage: hindsight status ID [--json]

One backtest: config, status, progress, timestamps, and its summary or error once it ended.

  --json                print the api's record
${API_OPTIONS_USAGE}`;

/** `hindsight status ID`: see USAGE. */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...API_OPTIONS },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw new CliError('give exactly one backtest ID');
    const client = apiClientFrom(values, io.env);
    const record = await client.request<BacktestRecord>(
      'GET',
      `/api/v1/backtests/${encodeURIComponent(id)}`,
    );
    io.stdout.write(values.json ? `${JSON.stringify(record)}\n` : formatRecord(record));
    return 0;
  } catch (error) {
    io.stderr.write(`hindsight status: ${describeError(error, io.env)}\n`);
    return 1;
  }
}
