import { API_PREFIX, BacktestRecord, BacktestStatus, Nullable } from '@hindsight/models';
import Type, { type Static } from 'typebox';

export const BacktestLinks = Type.Object(
  {
    self: Type.String(),
    result: Type.String(),
    trades: Type.String(),
    equity: Type.String(),
    logs: Type.String(),
    cancel: Type.String(),
    rerun: Type.String(),
    /** The WebSocket of live events. */
    events: Type.String(),
  },
  { additionalProperties: false },
);
export type BacktestLinks = Static<typeof BacktestLinks>;

export function linksFor(id: string): BacktestLinks {
  const self = `${API_PREFIX}/backtests/${id}`;
  return {
    self,
    result: `${self}/result`,
    trades: `${self}/trades`,
    equity: `${self}/equity`,
    logs: `${self}/logs`,
    cancel: `${self}/cancel`,
    rerun: `${self}/rerun`,
    events: `/ws/backtest/${id}`,
  };
}

/** A backtest as the api shows it: the stored record and where to go next. */
export const BacktestView = Type.Object(
  { ...BacktestRecord.properties, links: BacktestLinks },
  { additionalProperties: false },
);
export type BacktestView = Static<typeof BacktestView>;

export function toView(record: BacktestRecord): BacktestView {
  return { ...record, links: linksFor(record.id) };
}

export const BacktestViewPage = Type.Object(
  {
    items: Type.Array(BacktestView),
    /** Pass as `cursor` for the next page; null on the last one. */
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    /** Backtests matching the filters, on every page. */
    total: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type BacktestViewPage = Static<typeof BacktestViewPage>;

export const SubmitAccepted = Type.Object(
  {
    id: Type.String(),
    /** `queued` for a new backtest; a replayed Idempotency-Key answers the status it has now. */
    status: BacktestStatus,
    /**
     * 1 = next to start; an estimate from the depth of the first queue of the flow. null once
     * the backtest has left the queue (a replay of a started or finished one).
     */
    queuePosition: Nullable(Type.Integer({ minimum: 1 })),
    /** From the measured throughput (see QueueEstimator); null once it has left the queue. */
    estimatedWaitSeconds: Nullable(Type.Number({ minimum: 0 })),
    links: BacktestLinks,
  },
  { additionalProperties: false },
);
export type SubmitAccepted = Static<typeof SubmitAccepted>;

export const BacktestIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
