import {
  type CheckpointCleanupReport,
  type CleanupReport,
  cleanupCheckpoints,
  cleanupIndicators,
  cleanupResults,
  type IndicatorCleanupReport,
  loadConfig,
} from '@hindsight/service';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';

const USAGE = `usage: hindsight cleanup [--older-than AGE] [--data-root DIR] [--dry-run] [--json]

Removes result artifacts (DATA_ROOT/tasks/<id>/) of backtests that finished longer ago than AGE,
cached indicator series (DATA_ROOT/indicators/) no backtest has read for AGE - those of data
since re-imported age out so - checkpoints (DATA_ROOT/checkpoints/) not written for AGE, and
partial writes a crashed worker left behind. The backtest records stay in the store; a series
removed is computed again when next needed.

  --older-than AGE  7d, 12h, 30m, 90s or 2w (default: TASK_RESULT_TTL_DAYS days, 7)
  --data-root DIR   where the results live (default: DATA_ROOT, ./data)
  --dry-run         list what would be removed, remove nothing
  --json            print the report as one JSON object
`;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `7d` -> milliseconds; a number and one of s, m, h, d, w. */
export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) {
    throw new CliError(`--older-than must look like 7d, 12h, 30m, 90s or 2w, got "${text}"`);
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function formatReport(
  report: CleanupReport,
  indicators: IndicatorCleanupReport,
  checkpoints: CheckpointCleanupReport,
  age: string,
  dryRun: boolean,
): string {
  const verb = dryRun ? 'would remove' : 'removed';
  const lines = report.removed.map((entry) =>
    entry.partial
      ? `${verb} ${entry.id} (a partial write abandoned ${entry.finishedAt}, ${formatBytes(entry.bytes)})`
      : `${verb} ${entry.id} (finished ${entry.finishedAt}, ${formatBytes(entry.bytes)})`,
  );
  const results = report.removed.length === 1 ? 'directory' : 'directories';
  lines.push(
    `${verb} ${report.removed.length} ${results} (${formatBytes(report.bytesRemoved)}); ` +
      `kept ${report.kept} younger than ${age}`,
    `${verb} ${indicators.removed} indicator series files (${formatBytes(indicators.bytesRemoved)}); ` +
      `kept ${indicators.kept} used within ${age}`,
    `${verb} ${checkpoints.removed} checkpoints (${formatBytes(checkpoints.bytesRemoved)}); ` +
      `kept ${checkpoints.kept} written within ${age}`,
  );
  return `${lines.join('\n')}\n`;
}

export const cleanupCommand = defineCommand({
  name: 'cleanup',
  usage: USAGE,
  options: {
    'older-than': { type: 'string' },
    'data-root': { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const config = loadConfig({
      ...io.env,
      ...(values['data-root'] === undefined ? {} : { DATA_ROOT: values['data-root'] }),
    });
    const age = values['older-than'] ?? `${config.TASK_RESULT_TTL_DAYS}d`;
    const dryRun = values['dry-run'] ?? false;
    const options = { dataRoot: config.DATA_ROOT, olderThanMs: parseAge(age), dryRun };
    const report = await cleanupResults(options);
    const indicators = await cleanupIndicators(options);
    const checkpoints = await cleanupCheckpoints(options);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ dataRoot: config.DATA_ROOT, olderThan: age, dryRun, ...report, indicators, checkpoints })}\n`
        : formatReport(report, indicators, checkpoints, age, dryRun),
    );
    return 0;
  },
});
