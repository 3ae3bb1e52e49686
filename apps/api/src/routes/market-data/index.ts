import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TIMEFRAMES } from '@hindsight/engine';
import {
  ALL_TIME,
  formatSymbol,
  IMPORTED_SOURCE,
  InvalidSymbolError,
  parseSymbol,
} from '@hindsight/market-data';
import {
  assertEndAfterStart,
  createError,
  endBound,
  IsoDate,
  MarketSymbol,
  rangeEnd,
  Timeframe,
} from '@hindsight/models';
import Type from 'typebox';
import { principalOf } from '../../plugins/app/auth.js';
import { errorResponses } from '../../schemas/error-responses.js';

const Iso = Type.Union([Type.String(), Type.Null()]);

const SymbolInfo = Type.Object(
  {
    /** As a submit names it: `GOOG`, `synthetic:DEMO`. */
    symbol: Type.String(),
    source: Type.String(),
    timeframe: Timeframe,
    bars: Type.Integer({ minimum: 0 }),
    /** First and last bar, ISO 8601 UTC; null for an empty series. */
    first: Iso,
    last: Iso,
    origin: Iso,
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);

const SymbolsQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    timeframe: Type.Optional(Timeframe),
  },
  { additionalProperties: false },
);

export const MAX_BARS = 100_000;

const BarsQuery = Type.Object(
  {
    timeframe: Type.Enum(TIMEFRAMES, { default: '1d' }),
    /** Inclusive. */
    start: Type.Optional(IsoDate),
    /** Inclusive, as a backtest's: a date takes that whole day. */
    end: Type.Optional(IsoDate),
    limit: Type.Integer({ minimum: 1, maximum: MAX_BARS, default: 10_000 }),
  },
  { additionalProperties: false },
);

const Column = Type.Array(Type.Number());
const BarsBody = Type.Object(
  {
    symbol: Type.String(),
    timeframe: Timeframe,
    /** Bars in the range; the columns hold the first `limit` of them. */
    total: Type.Integer({ minimum: 0 }),
    truncated: Type.Boolean(),
    /** UTC epoch milliseconds. */
    time: Column,
    open: Column,
    high: Column,
    low: Column,
    close: Column,
    volume: Column,
  },
  { additionalProperties: false },
);

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

function parsed(symbol: string) {
  try {
    return parseSymbol(symbol);
  } catch (error) {
    if (error instanceof InvalidSymbolError) {
      throw createError('HS_ERR_VALIDATION', { reason: `/symbol ${error.message}` });
    }
    throw error;
  }
}

/** What the market-data cache holds; bars are fetched into it by the workers, not here. */
const marketData: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/market-data/symbols',
    {
      schema: {
        operationId: 'listMarketDataSymbols',
        tags: ['market-data'],
        summary: 'Every cached series: symbol, timeframe, bar count and span',
        querystring: SymbolsQuery,
        response: {
          200: Type.Object({ items: Type.Array(SymbolInfo) }, { additionalProperties: false }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { source, timeframe } = request.query;
      const principal = principalOf(request);
      const [series, own] = await Promise.all([
        fastify.marketData.list(),
        principal.admin ? null : fastify.backtests.symbolsOf(principal),
      ]);
      // Imported series are the deployment's shared catalogue; a fetched or synthetic one is
      // listed to the users whose backtests named it (and to admins), so no user learns what
      // another studies.
      const visible = (s: { source: string; symbol: string }) =>
        own === null ||
        s.source === IMPORTED_SOURCE ||
        own.has(formatSymbol({ source: s.source, name: s.symbol }));
      return {
        items: series
          .filter(
            (s) =>
              visible(s) &&
              (source === undefined || s.source === source) &&
              (timeframe === undefined || s.timeframe === timeframe),
          )
          .map((s) => ({
            symbol: formatSymbol({ source: s.source, name: s.symbol }),
            source: s.source,
            timeframe: s.timeframe,
            bars: s.bars,
            first: iso(s.first),
            last: iso(s.last),
            origin: s.origin,
            updatedAt: s.updatedAt,
          })),
      };
    },
  );

  fastify.get(
    '/market-data/:symbol/bars',
    {
      schema: {
        operationId: 'getMarketDataBars',
        tags: ['market-data'],
        summary: 'The cached bars of one symbol, as columns',
        params: Type.Object({ symbol: MarketSymbol }, { additionalProperties: false }),
        querystring: BarsQuery,
        response: { 200: BarsBody, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { source, name } = parsed(request.params.symbol);
      const { timeframe, start, end, limit } = request.query;
      const first = start === undefined ? undefined : rangeEnd('start', start);
      const last = end === undefined ? undefined : rangeEnd('end', end, endBound);
      if (first && last) assertEndAfterStart(first, last);
      const from = first?.at ?? ALL_TIME.from;
      const to = last?.at ?? ALL_TIME.to;
      const symbol = formatSymbol({ source, name });
      const { marketDataCacheDurationSeconds, marketDataCacheRequestsTotal } =
        fastify.telemetry.metrics;
      const endTimer = marketDataCacheDurationSeconds.startTimer();
      const cached = await fastify.marketData
        .read({ source, symbol: name, timeframe }, { from, to })
        .finally(() => endTimer());
      marketDataCacheRequestsTotal.inc({ result: cached === null ? 'miss' : 'hit' });
      if (cached === null) throw createError('HS_ERR_SYMBOL_NOT_FOUND', { symbol, timeframe });
      const { bars } = cached;
      const n = Math.min(bars.length, limit);
      const column = (values: Float64Array) => Array.from(values.subarray(0, n));
      return {
        symbol,
        timeframe,
        total: bars.length,
        truncated: bars.length > n,
        time: column(bars.time),
        open: column(bars.open),
        high: column(bars.high),
        low: column(bars.low),
        close: column(bars.close),
        volume: column(bars.volume),
      };
    },
  );
};

export default marketData;
