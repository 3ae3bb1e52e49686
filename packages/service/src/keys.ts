/**
 * The Redis names Hindsight uses besides BullMQ's own, all under the queue prefix so one
 * prefix isolates a deployment (or a test) completely.
 */
export const redisKeys = {
  /** Pub/sub channel of every backtest's events: `{"backtestId":"...","event":{...}}`. */
  eventsChannel: (prefix: string) => `${prefix}:events`,
  /** Stream of one backtest's events; entry ids are `0-<seq>`, the field `e` holds the JSON. */
  eventStream: (prefix: string, backtestId: string) => `${prefix}:events:${backtestId}`,
  /** The last seq given to one backtest's events. */
  eventSeq: (prefix: string, backtestId: string) => `${prefix}:events:${backtestId}:seq`,
  /**
   * Held for the throttle interval after a sweep's `progress` (kind `progress`) or `leaderboard`
   * event, by whichever worker published it: all the sweep's workers together stay under the rate.
   */
  sweepEventThrottle: (prefix: string, sweepId: string, kind: 'progress' | 'leaderboard') =>
    `${prefix}:sweep-throttle:${sweepId}:${kind}`,
  /** Pub/sub channel of cancel requests; the message is the backtest id. */
  cancelChannel: (prefix: string) => `${prefix}:cancel`,
  /** Set while a cancel of the backtest is pending, for a worker that missed the message. */
  cancelFlag: (prefix: string, backtestId: string) => `${prefix}:cancel:${backtestId}`,
  /** Held by the one worker whose reconciler pass runs; expires if that worker dies. */
  reconcileLock: (prefix: string) => `${prefix}:reconcile:lock`,
  /** Set once a worker has cached a symbol's bars for a timeframe and date range. */
  barsCached: (prefix: string, symbol: string, timeframe: string, start: string, end: string) =>
    `${prefix}:bars-cached:${symbol}:${timeframe}:${start}:${end}`,
  /**
   * The symbols a user's backtests have named (canonical spelling): what GET
   * /market-data/symbols lists for them besides imported series.
   */
  userSymbols: (prefix: string, userId: string) => `${prefix}:user-symbols:${userId}`,
  /** Bytes of each result file set of a user, by backtest id (see DiskUsage). */
  userDisk: (prefix: string, userId: string) => `${prefix}:user-disk:${userId}`,
  /** Bad API keys presented from one address in the current minute (see the api's auth). */
  badKeys: (prefix: string, address: string) => `${prefix}:bad-keys:${address}`,
};
