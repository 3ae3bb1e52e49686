import Type, { type Static } from 'typebox';
import { BacktestRecord, SUMMARY_STATS } from './backtest-record.js';
import { MarketSymbol } from './backtest-request.js';
import { BacktestStatus } from './backtest-status.js';
import { IsoDate, Nullable } from './common.js';

type SummaryStatSort = (typeof SUMMARY_STATS)[number] | `-${(typeof SUMMARY_STATS)[number]}`;

/**
 * `field` ascending, `-field` descending: the record's own fields, and every statistic of the
 * summary (`-returnPct`: best return first), whose missing values come last either way.
 */
export const BACKTEST_SORTS = [
  'createdAt',
  '-createdAt',
  'name',
  'status',
  ...SUMMARY_STATS.flatMap((stat): SummaryStatSort[] => [stat, `-${stat}`]),
] as const;
export const BacktestSort = Type.Enum(BACKTEST_SORTS);
export type BacktestSort = Static<typeof BacktestSort>;

export const MAX_PAGE_SIZE = 100;

/** The query of GET /backtests, and the options of Store#listBacktests. */
export const ListBacktestsQuery = Type.Object(
  {
    status: Type.Optional(BacktestStatus),
    strategy: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    symbol: Type.Optional(MarketSymbol),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    /** Inclusive. */
    createdFrom: Type.Optional(IsoDate),
    /** Exclusive. */
    createdTo: Type.Optional(IsoDate),
    /** Ties are broken by id, so the order is total and pages never overlap or skip. */
    sort: Type.Enum(BACKTEST_SORTS, { default: '-createdAt' }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 }),
    /** `nextCursor` of the previous page, with the same filters and sort. */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type ListBacktestsQuery = Static<typeof ListBacktestsQuery>;

export const BacktestPage = Type.Object({
  items: Type.Array(BacktestRecord),
  /** null on the last page. */
  nextCursor: Nullable(Type.String()),
  /** Backtests matching the filters, on every page (the cursor does not change it). */
  total: Type.Integer({ minimum: 0 }),
});
export type BacktestPage = Static<typeof BacktestPage>;
