import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  type BacktestEvent,
  type BacktestRecord,
  type BacktestStatus,
  createError,
  ErrorBody,
  isHindsightError,
  isTerminalStatus,
  type SweepEvent,
  type SweepRecord,
  type TerminalStatus,
} from '@hindsight/models';
import { observeEventLag } from '@hindsight/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { WebSocket } from 'ws';
import type { Principal } from '../../plugins/app/api-keys.js';
import { BacktestIdParams } from '../../schemas/backtest-view.js';
import { SweepIdParams } from '../../schemas/sweep-view.js';

/** Application close codes: 4000 + the HTTP status a REST call would get. */
export const WS_CLOSE = {
  unauthorized: 4401,
  notFound: 4404,
  tooManyConnections: 4429,
  internal: 1011,
  /** The backtest (or sweep) reached a terminal state; everything has been sent. */
  done: 1000,
} as const;

/** A client that does not read falls this far behind before it is dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const EventsQuery = Type.Object(
  {
    /** The last seq the client has: events after it are replayed, then live ones follow. */
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The API key, for browsers, which cannot set headers on a WebSocket. */
    token: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const TERMINAL_EVENTS = new Set<string>(['completed', 'failed', 'cancelled']);

/** The terminal event of a finished record, for a client that connects after its stream expired. */
export function terminalEventOf(record: BacktestRecord, seq: number): BacktestEvent {
  const ts = record.finishedAt ?? record.updatedAt;
  const status = record.status as TerminalStatus;
  switch (status) {
    case 'completed':
      return {
        type: 'completed',
        seq,
        ts,
        data: {
          summary: record.summary ?? {
            returnPct: null,
            sharpeRatio: null,
            maxDrawdownPct: null,
            trades: null,
            winRatePct: null,
            equityFinal: null,
          },
        },
      };
    case 'failed':
      return {
        type: 'failed',
        seq,
        ts,
        data: { error: record.error ?? { code: 'HS_ERR_INTERNAL', message: 'failed' } },
      };
    case 'cancelled':
      return { type: 'cancelled', seq, ts, data: { reason: null } };
  }
}

/** The terminal event of a finished sweep, for a client that connects after its stream expired. */
function sweepTerminalEventOf(record: SweepRecord, seq: number): SweepEvent {
  const ts = record.finishedAt ?? record.updatedAt;
  const status = record.status as TerminalStatus;
  switch (status) {
    case 'completed': {
      const best = (record.summary as { best?: { params: Record<string, unknown> } } | null)?.best;
      return { type: 'completed', seq, ts, data: { best: best ? { params: best.params } : null } };
    }
    case 'failed':
      return {
        type: 'failed',
        seq,
        ts,
        data: { error: record.error ?? { code: 'HS_ERR_INTERNAL', message: 'failed' } },
      };
    case 'cancelled':
      return { type: 'cancelled', seq, ts, data: { reason: null } };
  }
}

type LiveEvent = BacktestEvent | SweepEvent;

/** What differs between the backtest and the sweep channels; the protocol is the same. */
interface Channel<R extends { status: BacktestStatus }> {
  /** `backtest` or `sweep`, for close reasons and logs. */
  kind: string;
  /** The record if the principal owns it, null for anyone else (as REST: not found). */
  load(principal: Principal, id: string): Promise<R | null>;
  /** The `data` of the snapshot event. */
  snapshot(record: R): Promise<unknown>;
  terminalEvent(record: R, seq: number): LiveEvent;
}

/** null where REST would answer `notFoundCode`: another user's record is not found either. */
function orNull<R>(promise: Promise<R>, notFoundCode: string): Promise<R | null> {
  return promise.catch((error: unknown) => {
    if (isHindsightError(error) && error.code === notFoundCode) return null;
    throw error;
  });
}

/**
 * Serves one socket of a live channel: a `snapshot` (seq = the last event seq at that moment),
 * then the events after `?after=` (default: after the snapshot), replayed from Redis and then
 * live, each seq once and in order. The terminal event always arrives, then the server closes
 * with 1000. For a record already finished: the snapshot, the events after `?after=` that are
 * still stored, the terminal event (the stored one, or one made from the record once the stream
 * has expired), then 1000.
 */
function serveChannel<R extends { status: BacktestStatus }>(
  fastify: FastifyInstance,
  channel: Channel<R>,
  socket: WebSocket,
  request: FastifyRequest,
): void {
  const close = (code: number, reason: string) => {
    // A close reason may hold at most 123 bytes.
    if (socket.readyState <= 1) socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  };
  const principal = request.principal;
  if (!principal) {
    close(WS_CLOSE.unauthorized, request.authError?.message ?? 'missing or invalid API key');
    return;
  }
  const { wsConnections, eventHub } = fastify;
  if (!wsConnections.acquire(principal.userId, socket)) {
    close(
      WS_CLOSE.tooManyConnections,
      `too many WebSocket connections: at most ${wsConnections.maxPerUser} per user`,
    );
    return;
  }
  const { websocketConnections, websocketMessagesTotal, progressEventLagSeconds } =
    fastify.telemetry.metrics;
  websocketConnections.inc();
  // Validated by the routes' params and querystring schemas.
  const { id } = request.params as { id: string };
  const { after } = request.query as { after?: number };
  /** Events after this seq were published while the socket was open: their lag is real. */
  let liveAfterSeq = Number.POSITIVE_INFINITY;
  let closed = false;
  let finished = false;
  let unsubscribe: (() => void) | null = null;
  socket.on('close', () => {
    websocketConnections.dec();
    closed = true;
    unsubscribe?.();
  });
  socket.on('error', (error) => request.log.debug({ err: error }, 'websocket error'));
  // Clients have nothing to say; a message is read and dropped (maxPayload caps its size).
  socket.on('message', () => websocketMessagesTotal.inc({ direction: 'in' }));

  const send = (event: LiveEvent) => {
    if (closed) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(event));
    websocketMessagesTotal.inc({ direction: 'out' });
  };
  const finish = (status: string) => {
    finished = true;
    unsubscribe?.();
    close(WS_CLOSE.done, `${channel.kind} ${status}`);
  };
  const listener = (event: LiveEvent) => {
    if (finished) return;
    if (event.seq > liveAfterSeq) observeEventLag(progressEventLagSeconds, event.ts);
    send(event);
    if (TERMINAL_EVENTS.has(event.type)) finish(event.type);
  };

  const start = async () => {
    // The seq is read before the record: every event after it is delivered, and the record
    // already reflects the ones before, so nothing falls between the two.
    const lastSeq = await eventHub.lastSeq(id);
    liveAfterSeq = lastSeq;
    const record = await channel.load(principal, id);
    if (closed) return;
    if (!record) {
      close(WS_CLOSE.notFound, `${channel.kind} '${id}' not found`);
      return;
    }
    const data = await channel.snapshot(record);
    send({ type: 'snapshot', seq: lastSeq, ts: new Date().toISOString(), data } as LiveEvent);
    if (isTerminalStatus(record.status)) {
      const from = after ?? Math.max(0, lastSeq - 1);
      if (from < lastSeq) (await eventHub.subscribe<LiveEvent>(id, from, listener))();
      if (!finished) {
        send(channel.terminalEvent(record, lastSeq));
        finish(record.status);
      }
      return;
    }
    const stop = await eventHub.subscribe<LiveEvent>(id, after ?? lastSeq, listener);
    if (closed || finished) stop();
    else unsubscribe = stop;
  };
  start().catch((error: unknown) => {
    request.log.error({ err: error, id, kind: channel.kind }, 'websocket start failed');
    close(WS_CLOSE.internal, 'internal error');
  });
}

const CONNECT_HELP =
  'Upgrade with `Authorization: Bearer <key>` or `?token=<key>`. Close codes: 4401 bad key, 4404 unknown {kind}, 4429 too many connections of this user, 1000 after the terminal event.';

/** A plain GET (no Upgrade) is a mistake worth naming. */
async function notAnUpgrade(): Promise<never> {
  throw createError('HS_ERR_VALIDATION', {
    reason: 'this is a WebSocket endpoint: connect with an Upgrade: websocket request',
  });
}

/**
 * GET /ws/backtest/:id and /ws/sweep/:id - the live events of one backtest or sweep (see
 * serveChannel). Declaring the plain GET handler also keeps the routes in the OpenAPI document,
 * which @fastify/websocket hides for `websocket: true` routes.
 */
const events: FastifyPluginAsyncTypebox = async (fastify) => {
  const backtestChannel: Channel<BacktestRecord> = {
    kind: 'backtest',
    load: (principal, id) => orNull(fastify.backtests.get(principal, id), 'HS_ERR_NOT_FOUND'),
    snapshot: async (record) => record,
    terminalEvent: terminalEventOf,
  };
  const sweepChannel: Channel<SweepRecord> = {
    kind: 'sweep',
    load: (principal, id) => orNull(fastify.sweeps.record(principal, id), 'HS_ERR_SWEEP_NOT_FOUND'),
    snapshot: (record) => fastify.sweeps.view(record),
    terminalEvent: sweepTerminalEventOf,
  };
  fastify.route({
    method: 'GET',
    url: '/backtest/:id',
    schema: {
      operationId: 'watchBacktestEvents',
      tags: ['events'],
      summary: 'WebSocket of live backtest events (snapshot, progress, log, status, terminal)',
      description: CONNECT_HELP.replace('{kind}', 'backtest'),
      params: BacktestIdParams,
      querystring: EventsQuery,
      response: { 400: ErrorBody, 401: ErrorBody },
    },
    handler: notAnUpgrade,
    wsHandler: (socket: WebSocket, request) =>
      serveChannel(fastify, backtestChannel, socket, request),
  });
  fastify.route({
    method: 'GET',
    url: '/sweep/:id',
    schema: {
      operationId: 'watchSweepEvents',
      tags: ['events'],
      summary: 'WebSocket of live sweep events (snapshot, progress, leaderboard, terminal)',
      description: CONNECT_HELP.replace('{kind}', 'sweep'),
      params: SweepIdParams,
      querystring: EventsQuery,
      response: { 400: ErrorBody, 401: ErrorBody },
    },
    handler: notAnUpgrade,
    wsHandler: (socket: WebSocket, request) => serveChannel(fastify, sweepChannel, socket, request),
  });
};

export default events;
