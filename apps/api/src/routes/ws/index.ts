import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  type BacktestEvent,
  type BacktestRecord,
  createError,
  ErrorBody,
  isHindsightError,
  isTerminalStatus,
  type TerminalStatus,
} from '@hindsight/models';
import { observeEventLag } from '@hindsight/telemetry';
import Type from 'typebox';
import type { WebSocket } from 'ws';
import { BacktestIdParams } from '../../schemas/backtest-view.js';

/** Application close codes: 4000 + the HTTP status a REST call would get. */
export const WS_CLOSE = {
  unauthorized: 4401,
  notFound: 4404,
  tooManyConnections: 4429,
  internal: 1011,
  /** The backtest reached a terminal state; everything has been sent. */
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

const TERMINAL_EVENTS = new Set<BacktestEvent['type']>(['completed', 'failed', 'cancelled']);

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

/**
 * GET /ws/backtest/:id - the live events of one backtest. On connect: a `snapshot` (the record as
 * the store has it, seq = the last event seq at that moment), then the events after `?after=`
 * (default: after the snapshot), replayed from Redis and then live, each seq once and in order.
 * The terminal event always arrives, then the server closes with 1000. For a backtest already
 * finished: the snapshot, the events after `?after=` that are still stored, the terminal event
 * (the stored one, or one made from the record once the stream has expired), then 1000.
 */
const events: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.route({
    method: 'GET',
    url: '/backtest/:id',
    schema: {
      operationId: 'watchBacktestEvents',
      tags: ['events'],
      summary: 'WebSocket of live backtest events (snapshot, progress, log, status, terminal)',
      description:
        'Upgrade with `Authorization: Bearer <key>` or `?token=<key>`. Close codes: 4401 bad key, 4404 unknown backtest, 4429 too many connections of this user, 1000 after the terminal event.',
      params: BacktestIdParams,
      querystring: EventsQuery,
      response: { 400: ErrorBody, 401: ErrorBody },
    },
    // A plain GET (no Upgrade) is a mistake worth naming; declaring it also keeps the route in
    // the OpenAPI document, which @fastify/websocket hides for `websocket: true` routes.
    handler: async () => {
      throw createError('HS_ERR_VALIDATION', {
        reason: 'this is a WebSocket endpoint: connect with an Upgrade: websocket request',
      });
    },
    wsHandler: (socket: WebSocket, request) => {
      const close = (code: number, reason: string) => {
        // A close reason may hold at most 123 bytes.
        if (socket.readyState <= 1)
          socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
      };
      const principal = request.principal;
      if (!principal) {
        close(WS_CLOSE.unauthorized, request.authError?.message ?? 'missing or invalid API key');
        return;
      }
      const { wsConnections, eventHub, backtests } = fastify;
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
      const { id } = request.params;
      const { after } = request.query;
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

      const send = (event: BacktestEvent) => {
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
        close(WS_CLOSE.done, `backtest ${status}`);
      };
      const listener = (event: BacktestEvent) => {
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
        // Read as REST reads it, so ownership has one rule: another user's backtest is not found.
        const record = await backtests.get(principal, id).catch((error: unknown) => {
          if (isHindsightError(error) && error.code === 'HS_ERR_NOT_FOUND') return null;
          throw error;
        });
        if (closed) return;
        if (!record) {
          close(WS_CLOSE.notFound, `backtest '${id}' not found`);
          return;
        }
        send({ type: 'snapshot', seq: lastSeq, ts: new Date().toISOString(), data: record });
        if (isTerminalStatus(record.status)) {
          const from = after ?? Math.max(0, lastSeq - 1);
          if (from < lastSeq) (await eventHub.subscribe(id, from, listener))();
          if (!finished) {
            send(terminalEventOf(record, lastSeq));
            finish(record.status);
          }
          return;
        }
        const stop = await eventHub.subscribe(id, after ?? lastSeq, listener);
        if (closed || finished) stop();
        else unsubscribe = stop;
      };
      start().catch((error: unknown) => {
        request.log.error({ err: error, backtestId: id }, 'websocket start failed');
        close(WS_CLOSE.internal, 'internal error');
      });
    },
  });
};

export default events;
