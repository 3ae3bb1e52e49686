import { type NumericStatKey, type Stats, StatsSchema } from '@hindsight/metrics';
import { num, pct, when } from './format.js';

/**
 * How the statistics table groups and names the statistics. Their units come from the
 * statistics' own schema (each description ends `Unit: <unit>.`), the one home of units.
 */
export const STAT_GROUPS = [
  {
    title: 'Period',
    stats: [
      ['start', 'Start'],
      ['end', 'End'],
      ['durationDays', 'Duration'],
      ['exposureTimePct', 'Exposure time'],
    ],
  },
  {
    title: 'Returns',
    stats: [
      ['equityFinal', 'Final equity'],
      ['equityPeak', 'Peak equity'],
      ['returnPct', 'Return'],
      ['buyHoldReturnPct', 'Buy & hold return'],
      ['returnAnnPct', 'Annualised return'],
      ['cagrPct', 'CAGR'],
      ['alphaPct', 'Alpha'],
      ['beta', 'Beta'],
      ['bestDayPct', 'Best period'],
      ['worstDayPct', 'Worst period'],
    ],
  },
  {
    title: 'Risk',
    stats: [
      ['volatilityAnnPct', 'Annualised volatility'],
      ['maxDrawdownPct', 'Max. drawdown'],
      ['avgDrawdownPct', 'Avg. drawdown'],
      ['maxDrawdownDurationDays', 'Max. drawdown duration'],
      ['avgDrawdownDurationDays', 'Avg. drawdown duration'],
      ['trackingErrorPct', 'Tracking error'],
    ],
  },
  {
    title: 'Risk-adjusted',
    stats: [
      ['sharpeRatio', 'Sharpe ratio'],
      ['sortinoRatio', 'Sortino ratio'],
      ['calmarRatio', 'Calmar ratio'],
      ['omegaRatio', 'Omega ratio'],
      ['informationRatio', 'Information ratio'],
      ['probabilisticSharpeRatio', 'Probabilistic Sharpe ratio'],
    ],
  },
  {
    title: 'Trades',
    stats: [
      ['trades', 'Closed trades'],
      ['openTrades', 'Open trades'],
      ['winRatePct', 'Win rate'],
      ['bestTradePct', 'Best trade'],
      ['worstTradePct', 'Worst trade'],
      ['avgTradePct', 'Avg. trade'],
      ['expectancyPct', 'Expectancy'],
      ['profitFactor', 'Profit factor'],
      ['sqn', 'SQN'],
      ['kellyCriterion', 'Kelly criterion'],
      ['maxTradeDurationDays', 'Max. trade duration'],
      ['avgTradeDurationDays', 'Avg. trade duration'],
      ['maxConsecutiveWins', 'Max. consecutive wins'],
      ['maxConsecutiveLosses', 'Max. consecutive losses'],
      ['commissions', 'Commissions'],
      ['turnover', 'Turnover'],
    ],
  },
  {
    title: 'Long and short',
    stats: [
      ['longTrades', 'Long trades'],
      ['longWinRatePct', 'Long win rate'],
      ['longPnl', 'Long P&L'],
      ['shortTrades', 'Short trades'],
      ['shortWinRatePct', 'Short win rate'],
      ['shortPnl', 'Short P&L'],
    ],
  },
] as const satisfies readonly {
  title: string;
  stats: readonly (readonly [Exclude<keyof Stats, 'conventions'>, string])[];
}[];

// Every statistic has a row: a statistic added to the schema and not here fails the type check.
type Listed = (typeof STAT_GROUPS)[number]['stats'][number][0];
type Unlisted = Exclude<Exclude<keyof Stats, 'conventions'>, Listed>;
const everyStatListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyStatListed;

const LABELS = new Map<string, string>(
  STAT_GROUPS.flatMap((group): readonly (readonly [string, string])[] => group.stats),
);

export function statLabel(key: NumericStatKey): string {
  return LABELS.get(key) ?? key;
}

/** The unit of a statistic, read off its schema's description ("... Unit: days."). */
export function statUnit(key: keyof Stats): string {
  const description = (StatsSchema.properties[key] as { description?: string }).description ?? '';
  return /Unit: ([^.]+)\.$/.exec(description)?.[1] ?? '';
}

/** A statistic's value in its unit: percents with %, ratios to 3 places, counts whole. */
export function statValue(key: keyof Stats, value: unknown): string {
  if (typeof value === 'string') return when(value);
  if (typeof value !== 'number') return '—';
  const unit = statUnit(key);
  if (unit.startsWith('percent')) return pct(value);
  if (unit === 'count') return num(value, 0);
  if (unit === 'days') return `${num(value, 1)} d`;
  if (unit === 'plain number' || unit.startsWith('probability')) return num(value, 3);
  return num(value, 2);
}
