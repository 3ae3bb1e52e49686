import type { BacktestEvent } from '@hindsight/models';
import WebSocket from 'ws';

/** Any event of the live channels, backtest or sweep. */
type AnyEvent = { type: string; seq: number };

export interface WatchedSocket<E extends AnyEvent = BacktestEvent> {
  socket: WebSocket;
  events: E[];
  /** Resolves when the server closes the socket, with its code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the status of a refused upgrade, or null once the socket opened. */
  refused: Promise<number | null>;
  /** Resolves when `predicate` holds for the events received so far. */
  until(predicate: (events: E[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** A ws client that records every event it receives. */
export function watch<E extends AnyEvent = BacktestEvent>(
  url: string,
  headers: Record<string, string> = {},
): WatchedSocket<E> {
  const socket = new WebSocket(url, { headers });
  const events: E[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    events.push(JSON.parse(String(data)) as E);
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const waiter of waiters) waiter();
    });
  });
  const refused = new Promise<number | null>((resolve) => {
    socket.on('open', () => resolve(null));
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => {});
  });
  return {
    socket,
    events,
    closed,
    refused,
    until(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; events so far: ${events.map((e) => e.type).join(',')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
