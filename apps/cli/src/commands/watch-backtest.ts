import type { BacktestEvent } from '@hindsight/models';
import WebSocket from 'ws';
import { CliError } from '../cli-error.js';
import type { ApiClient } from './api-client.js';

export type TerminalEvent = Extract<BacktestEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

export interface WatchOptions {
  /** Every event as it arrives, the snapshot included, each seq once. */
  onEvent?: (event: BacktestEvent) => void;
  /** Called before each reconnect, with the attempt number (1, 2, ...). */
  onReconnect?: (attempt: number, afterSeq: number) => void;
  /** Reconnects in a row without receiving anything before giving up. */
  maxReconnects?: number;
  /** Wait before the first reconnect; doubles each time up to 5 s. */
  reconnectDelayMs?: number;
}

const TERMINAL = new Set<BacktestEvent['type']>(['completed', 'failed', 'cancelled']);

/** Close codes of the api's /ws route that no reconnect can fix. */
const FATAL_CLOSE_CODES = new Set([4401, 4404, 4429]);

interface Attempt {
  terminal: TerminalEvent | null;
  /** Why the socket ended without a terminal event; null when the server is unreachable. */
  dropped: { code: number; reason: string } | null;
  received: boolean;
}

/**
 * Follows one backtest's WebSocket until its terminal event. A dropped socket is reopened with
 * `?after=<last seq>`, so no event is lost or seen twice.
 */
export async function watchBacktest(
  client: ApiClient,
  id: string,
  options: WatchOptions = {},
): Promise<TerminalEvent> {
  const maxReconnects = options.maxReconnects ?? 10;
  let delay = options.reconnectDelayMs ?? 250;
  let lastSeq = 0;
  let failures = 0;
  for (;;) {
    const attempt = await connectOnce(client, id, lastSeq, (event) => {
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

function connectOnce(
  client: ApiClient,
  id: string,
  afterSeq: number,
  onEvent: (event: BacktestEvent) => void,
): Promise<Attempt> {
  const url = client.wsUrl(`/ws/backtest/${encodeURIComponent(id)}?after=${afterSeq}`);
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${client.key}` } });
  const attempt: Attempt = { terminal: null, dropped: null, received: false };
  return new Promise<Attempt>((resolve, reject) => {
    let opened = false;
    socket.on('open', () => {
      opened = true;
    });
    socket.on('message', (data) => {
      attempt.received = true;
      let event: BacktestEvent;
      try {
        event = JSON.parse(String(data)) as BacktestEvent;
      } catch {
        return;
      }
      onEvent(event);
      if (TERMINAL.has(event.type)) attempt.terminal = event as TerminalEvent;
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
