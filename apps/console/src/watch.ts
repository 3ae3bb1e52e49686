import type { BacktestEvent, BacktestRecord } from '@hindsight/models';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export interface WatchHandlers {
  /** The record as the store has it, on every (re)connect. */
  onSnapshot(record: BacktestRecord): void;
  /** Every event after the first snapshot, once each and in order. */
  onEvent(event: Exclude<BacktestEvent, { type: 'snapshot' }>): void;
  /** The key or the id was refused (4401, 4404): not retried. */
  onRefused?(code: number, reason: string): void;
}

/**
 * Follows one backtest over `/ws/backtest/:id` until its terminal event, as docs/api.md's browser
 * example does: the key as `?token=`, and after a lost connection a reconnect with
 * `?after=<last seq>` (exponential backoff with jitter), so no event is missed or repeated.
 * Returns a function that stops following.
 */
export function watchBacktest(id: string, key: string, handlers: WatchHandlers): () => void {
  let lastSeq: number | null = null;
  let retries = 0;
  let stopped = false;
  let closed = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const url = new URL(`/ws/backtest/${encodeURIComponent(id)}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', key);
    if (lastSeq !== null) url.searchParams.set('after', String(lastSeq));
    socket = new WebSocket(url);
    socket.onmessage = (message) => {
      if (closed) return;
      const event = JSON.parse(String(message.data)) as BacktestEvent;
      retries = 0;
      if (event.type === 'snapshot') {
        handlers.onSnapshot(event.data);
        if (lastSeq === null) lastSeq = event.seq;
        return;
      }
      if (lastSeq !== null && event.seq <= lastSeq) return;
      lastSeq = event.seq;
      if (TERMINAL.has(event.type)) stopped = true;
      handlers.onEvent(event);
    };
    socket.onclose = (close) => {
      if (stopped || close.code === 1000) return;
      if (close.code === 4401 || close.code === 4404) {
        handlers.onRefused?.(close.code, close.reason);
        return;
      }
      // 4429: too many sockets of this user; back off longer. Anything else: a lost connection.
      const base = close.code === 4429 ? 10_000 : 500;
      const delay = Math.min(30_000, base * 2 ** retries++) * (0.5 + Math.random() / 2);
      timer = setTimeout(connect, delay);
    };
  };

  connect();
  return () => {
    stopped = true;
    closed = true;
    clearTimeout(timer);
    const open = socket;
    // Closing a socket that is still connecting makes the browser log an error; wait for it.
    if (open?.readyState === WebSocket.CONNECTING) open.onopen = () => open.close(1000);
    else if (open?.readyState === WebSocket.OPEN) open.close(1000);
  };
}
