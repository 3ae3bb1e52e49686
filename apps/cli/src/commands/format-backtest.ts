import type { BacktestRecord } from '@hindsight/models';
import { formatStat } from '../format-stat.js';

type Summary = NonNullable<BacktestRecord['summary']>;

/** backtesting.py's labels, as `hindsight run` prints them. */
const SUMMARY_LABELS: ReadonlyArray<[keyof Summary, string]> = [
  ['equityFinal', 'Equity Final [$]'],
  ['returnPct', 'Return [%]'],
  ['sharpeRatio', 'Sharpe Ratio'],
  ['maxDrawdownPct', 'Max. Drawdown [%]'],
  ['trades', '# Trades'],
  ['winRatePct', 'Win Rate [%]'],
];

const WIDTH = Math.max(...SUMMARY_LABELS.map(([, label]) => label.length)) + 2;

export function formatSummary(summary: Summary): string {
  return SUMMARY_LABELS.map(
    ([key, label]) => `${label.padEnd(WIDTH)}${formatStat(summary[key])}\n`,
  ).join('');
}

/** `status ID`: what the backtest is, where it is, and its summary or error once it ended. */
export function formatRecord(record: BacktestRecord): string {
  const { config } = record;
  const lines = [
    `${record.id}  ${record.name}`,
    `strategy   ${config.strategy.name} ${JSON.stringify(config.strategy.params)}`,
    `symbols    ${config.symbols.join(', ')} (${config.timeframe}, ${config.start} .. ${config.end})`,
    `status     ${record.status}${
      record.status === 'running' || record.status === 'queued'
        ? ` ${Math.round(record.progress * 100)}%${record.step ? ` ${record.step}` : ''}`
        : ''
    }`,
    `queued     ${record.queuedAt}`,
    ...(record.startedAt ? [`started    ${record.startedAt}`] : []),
    ...(record.finishedAt ? [`finished   ${record.finishedAt}`] : []),
    ...(record.tags.length > 0 ? [`tags       ${record.tags.join(', ')}`] : []),
    ...(record.error ? [`error      ${record.error.code}: ${record.error.message}`] : []),
  ];
  const text = `${lines.join('\n')}\n`;
  return record.summary ? `${text}\n${formatSummary(record.summary)}` : text;
}
