import { once } from 'node:events';
import type { BacktestOutput } from '@hindsight/backtest';
import type { Bars, Trade } from '@hindsight/engine';
import { drawdownPct, type Stats } from '@hindsight/metrics';
import {
  type EquityColumns,
  jsonNumberChunks,
  thinEquity,
  toTradeRecord,
} from '@hindsight/service';
import { formatStat } from './format-stat.js';

/** backtesting.py's labels, so its users read the report at a glance. */
const LABELS: ReadonlyArray<[keyof Stats, string]> = [
  ['start', 'Start'],
  ['end', 'End'],
  ['durationDays', 'Duration [days]'],
  ['exposureTimePct', 'Exposure Time [%]'],
  ['equityFinal', 'Equity Final [$]'],
  ['equityPeak', 'Equity Peak [$]'],
  ['commissions', 'Commissions [$]'],
  ['returnPct', 'Return [%]'],
  ['buyHoldReturnPct', 'Buy & Hold Return [%]'],
  ['returnAnnPct', 'Return (Ann.) [%]'],
  ['volatilityAnnPct', 'Volatility (Ann.) [%]'],
  ['cagrPct', 'CAGR [%]'],
  ['sharpeRatio', 'Sharpe Ratio'],
  ['sortinoRatio', 'Sortino Ratio'],
  ['calmarRatio', 'Calmar Ratio'],
  ['alphaPct', 'Alpha [%]'],
  ['beta', 'Beta'],
  ['maxDrawdownPct', 'Max. Drawdown [%]'],
  ['avgDrawdownPct', 'Avg. Drawdown [%]'],
  ['maxDrawdownDurationDays', 'Max. Drawdown Duration [days]'],
  ['avgDrawdownDurationDays', 'Avg. Drawdown Duration [days]'],
  ['trades', '# Trades'],
  ['winRatePct', 'Win Rate [%]'],
  ['bestTradePct', 'Best Trade [%]'],
  ['worstTradePct', 'Worst Trade [%]'],
  ['avgTradePct', 'Avg. Trade [%]'],
  ['maxTradeDurationDays', 'Max. Trade Duration [days]'],
  ['avgTradeDurationDays', 'Avg. Trade Duration [days]'],
  ['profitFactor', 'Profit Factor'],
  ['expectancyPct', 'Expectancy [%]'],
  ['sqn', 'SQN'],
  ['kellyCriterion', 'Kelly Criterion'],
  ['omegaRatio', 'Omega Ratio'],
  ['maxConsecutiveWins', 'Max. Consecutive Wins'],
  ['maxConsecutiveLosses', 'Max. Consecutive Losses'],
  ['bestDayPct', 'Best Day [%]'],
  ['worstDayPct', 'Worst Day [%]'],
  ['informationRatio', 'Information Ratio'],
  ['trackingErrorPct', 'Tracking Error [%]'],
  ['probabilisticSharpeRatio', 'Probabilistic Sharpe Ratio'],
  ['turnover', 'Turnover'],
  ['openTrades', 'Open Trades'],
];

function formatValue(value: unknown): string {
  return typeof value === 'number' || value === null ? formatStat(value) : String(value);
}

export interface ReportInput {
  source: string;
  strategy: string;
  bars: Bars;
  output: BacktestOutput;
}

export function formatReport({ source, strategy, bars, output }: ReportInput): string {
  const { stats, params } = output;
  const width = Math.max(...LABELS.map(([, label]) => label.length)) + 2;
  const lines = [
    `${strategy} ${JSON.stringify(params)} on ${source} (${bars.length} bars)`,
    `conventions: ${stats.conventions.profile}, ${stats.conventions.periodsPerYear} periods a year, ${stats.conventions.returnBasis} returns`,
    '',
    ...LABELS.map(([key, label]) => `${label.padEnd(width)}${formatValue(stats[key])}`),
    '',
    'Use --json for the trades and the equity curve.',
  ];
  return `${lines.join('\n')}\n`;
}

/** `--equity`: the whole series (the default), none, or at most N points (M4, as GET /equity's maxPoints). */
export type EquitySeries = 'all' | 'none' | number;

/** Trades per JSON.stringify call while streaming. */
const TRADES_PER_CHUNK = 256;

/**
 * Writes the `--json` document, in the names and units of REST so one parser reads both:
 * `params`, `stats` and `conventions` as GET /result gives them, `trades` and `openTrades` as GET
 * /trades, `time`, `equity` and `drawdownPct` as GET /equity's columns (time in epoch ms, one
 * axis). It goes out in pieces, honouring backpressure: a million-bar run's document is ~50 MB
 * of text, never held as one string. The bytes are those of JSON.stringify on the whole object.
 */
export async function writeJsonReport(
  out: NodeJS.WritableStream,
  output: BacktestOutput,
  equity: EquitySeries,
): Promise<void> {
  const { simulation, stats } = output;
  await write(out, `{"params":${JSON.stringify(output.params)},"stats":${JSON.stringify(stats)}`);
  await write(out, ',"trades":');
  await writeTrades(out, simulation.trades);
  await write(out, ',"openTrades":');
  await writeTrades(out, simulation.openTrades);
  if (equity !== 'none') {
    const full: EquityColumns = {
      time: simulation.time,
      equity: simulation.equity,
      drawdownPct: drawdownPct(simulation.equity),
    };
    const columns = equity === 'all' ? full : (thinEquity(full, equity) ?? full);
    for (const name of ['time', 'equity', 'drawdownPct'] as const) {
      await write(out, `,"${name}":[`);
      for (const chunk of jsonNumberChunks(columns[name])) await write(out, chunk);
      await write(out, ']');
    }
  }
  await write(out, `,"conventions":${JSON.stringify(stats.conventions)}}\n`);
}

async function writeTrades(out: NodeJS.WritableStream, trades: readonly Trade[]): Promise<void> {
  await write(out, '[');
  for (let from = 0; from < trades.length; from += TRADES_PER_CHUNK) {
    const records = trades.slice(from, from + TRADES_PER_CHUNK).map(toTradeRecord);
    await write(out, (from === 0 ? '' : ',') + JSON.stringify(records).slice(1, -1));
  }
  await write(out, ']');
}

/** Resolves at once, or when the stream has drained if its buffer is full. */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
