import type { BacktestRecord } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { formatStat } from '../format-stat.js';
import { API_OPTIONS, API_OPTIONS_USAGE, apiClientFrom } from './api-client.js';

const USAGE = `usage: hindsight list [--status S] [--limit N] [--json]

Your backtests, newest first.

  --status S            queued, running, completed, failed or cancelled
  --limit N             at most N backtests, 1-100 (default 20)
  --json                print the api's page { items, nextCursor }
${API_OPTIONS_USAGE}`;

interface Page {
  items: BacktestRecord[];
  nextCursor: string | null;
}

const COLUMNS = ['ID', 'STATUS', 'PROGRESS', 'STRATEGY', 'SYMBOLS', 'RETURN [%]', 'CREATED'];

function row(record: BacktestRecord): string[] {
  return [
    record.id,
    record.status,
    `${Math.round(record.progress * 100)}%`,
    record.config.strategy.name,
    record.config.symbols.join(','),
    formatStat(record.summary?.returnPct ?? null),
    record.createdAt,
  ];
}

/** Columns padded to their widest cell, two spaces apart. */
function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows
    .map((r) => `${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

/** `hindsight list`: see USAGE. */
export const listCommand = defineCommand({
  name: 'list',
  usage: USAGE,
  options: {
    status: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values }, io) {
    const query = new URLSearchParams();
    if (values.status !== undefined) query.set('status', values.status);
    if (values.limit !== undefined) {
      const limit = parseNumber(values.limit);
      query.set('limit', String(limit));
    }
    const client = apiClientFrom(values, io.env);
    const suffix = query.size > 0 ? `?${query}` : '';
    const page = await client.request<Page>('GET', `/api/v1/backtests${suffix}`);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(page)}\n`);
      return 0;
    }
    if (page.items.length === 0) {
      io.stdout.write('no backtests\n');
      return 0;
    }
    io.stdout.write(formatTable([COLUMNS, ...page.items.map(row)]));
    if (page.nextCursor) io.stdout.write(`(more: raise --limit)\n`);
    return 0;
  },
});

function parseNumber(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`--limit must be a whole number of at least 1, got "${raw}"`);
  }
  return value;
}
