import type { BacktestEvent, SweepEvent } from '@hindsight/models';
import WebSocket from 'ws';
import { CliError } from '../cli-error.js';
import type { ApiClient } from './api-client.js';

type LiveEvent = BacktestEvent | SweepEvent;
type TerminalOf<E extends LiveEvent> = Extract<E, { type: 'completed' | 'failed' | 'cancelled' }>;
export type TerminalEvent = TerminalOf<BacktestEvent>;

export interface WatchOptions<E extends LiveEvent = BacktestEvent> {
  /** Every event as it arrives, the snapshot included, each seq once. */
  onEvent?: (event: E) => void;
  /** Called before each reconnect, with the attempt number (1, 2, ...). */
  onReconnect?: (attempt: number, afterSeq: number) => void;
  /** Reconnects in a row without receiving anything before giving up. */
  maxReconnects?: number;
  /** Wait before the first reconnect; doubles each time up to 5 s. */
  reconnectDelayMs?: number;
}

const TERMINAL = new Set<string>(['completed', 'failed', 'cancelled']);

/** Close codes of the api's /ws route that no reconnect can fix. */
const FATAL_CLOSE_CODES = new Set([4401, 4404, 4429]);

interface Attempt<E extends LiveEvent> {
  terminal: TerminalOf<E> | null;
  /** Why the socket ended without a terminal event; null when the server is unreachable. */
  dropped: { code: number; reason: string } | null;
  received: boolean;
}

/** Follows one backtest's WebSocket until its terminal event (see watchEvents). */
export function watchBacktest(
  client: ApiClient,
  id: string,
  options: WatchOptions = {},
): Promise<TerminalEvent> {
  return watchEvents<BacktestEvent>(client, 'backtest', id, options);
}

/**
 * Follows the WebSocket of one backtest or sweep (`/ws/<kind>/<id>`, the same protocol) until
 * its terminal event. A dropped socket is reopened with `?after=<last seq>`, so no event is lost
 * or seen twice.
 */
export async function watchEvents<E extends LiveEvent>(
  client: ApiClient,
  kind: 'backtest' | 'sweep',
  id: string,
  options: WatchOptions<E> = {},
): Promise<TerminalOf<E>> {
  const maxReconnects = options.maxReconnects ?? 10;
  let delay = options.reconnectDelayMs ?? 250;
  let lastSeq = 0;
  let failures = 0;
  for (;;) {
    const attempt = await connectOnce<E>(client, kind, id, lastSeq, (event) => {
      if (event.type !== 'snapshot') {
        if (event.seq <= lastSeq) return;
        lastSeq = event.seq;
      }
      options.onEvent?.(event);
    });
    if (attempt.terminal) return attempt.terminal;
    if (attempt.dropped && FATAL_CLOSE_CODES.has(attempt.dropped.code)) {
      throw new CliError(`the api closed the event stream of ${id}: ${attempt.dropped.reason}`);
    }
    failures = attempt.received ? 1 : failures + 1;
    if (failures > maxReconnects) {
      if (attempt.dropped === null) throw client.unreachable();
      throw new CliError(
        `the event stream of ${id} kept closing (last: ${attempt.dropped.code} ${attempt.dropped.reason}); try hindsight status ${id}`,
      );
    }
    options.onReconnect?.(failures, lastSeq);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5_000);
  }
}

function connectOnce<E extends LiveEvent>(
  client: ApiClient,
  kind: 'backtest' | 'sweep',
  id: string,
  afterSeq: number,
  onEvent: (event: E) => void,
): Promise<Attempt<E>> {
  const url = client.wsUrl(`/ws/${kind}/${encodeURIComponent(id)}?after=${afterSeq}`);
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${client.key}` } });
  const attempt: Attempt<E> = { terminal: null, dropped: null, received: false };
  return new Promise<Attempt<E>>((resolve, reject) => {
    let opened = false;
    socket.on('open', () => {
      opened = true;
    });
    socket.on('message', (data) => {
      attempt.received = true;
      let event: E;
      try {
        event = JSON.parse(String(data)) as E;
      } catch {
        return;
      }
      onEvent(event);
      if (TERMINAL.has(event.type)) attempt.terminal = event as TerminalOf<E>;
    });
    socket.on('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(
        new CliError(`the api refused the event stream of ${id} (HTTP ${response.statusCode})`),
      );
    });
    // An error is followed by close; close decides what happened.
    socket.on('error', () => {});
    socket.on('close', (code, reason) => {
      if (opened) attempt.dropped = { code, reason: reason.toString() };
      resolve(attempt);
    });
  });
}
