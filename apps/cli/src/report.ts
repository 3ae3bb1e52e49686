import type { BacktestOutput } from '@hindsight/backtest';
import type { Bars } from '@hindsight/engine';
import { drawdownPct, type Stats } from '@hindsight/metrics';
import { toTradeRecord } from '@hindsight/service';
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

/**
 * The `--json` document, in the names and units of REST so one parser reads both: `params`,
 * `stats` and `conventions` as GET /result gives them, `trades` and `openTrades` as GET /trades,
 * `time`, `equity` and `drawdownPct` as GET /equity's columns (time in epoch ms, one axis).
 */
export function toJsonReport(output: BacktestOutput) {
  const { simulation, stats } = output;
  return {
    params: output.params,
    stats,
    trades: simulation.trades.map(toTradeRecord),
    openTrades: simulation.openTrades.map(toTradeRecord),
    time: Array.from(simulation.time),
    equity: Array.from(simulation.equity),
    drawdownPct: Array.from(drawdownPct(simulation.equity)),
    conventions: stats.conventions,
  };
}
