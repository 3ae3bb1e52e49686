import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';

declare module 'fastify' {
  interface FastifyInstance {
    wsConnections: WsConnections;
  }
}

export const WS_PING_INTERVAL_MS = 30_000;

/**
 * The open event sockets of this process: counted per user for the connection cap, and pinged
 * on one timer; a socket that has not answered the previous ping by the next one is dead (a
 * vanished client, a dropped network) and is terminated.
 */
export class WsConnections {
  readonly #perUser = new Map<string, number>();
  readonly #alive = new Map<WebSocket, boolean>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly maxPerUser: number,
    pingIntervalMs: number,
  ) {
    this.#timer = setInterval(() => this.#sweep(), pingIntervalMs);
    this.#timer.unref();
  }

  /** Registers the socket for `userId`; false (and nothing registered) when the user is at the cap. */
  acquire(userId: string, socket: WebSocket): boolean {
    const open = this.#perUser.get(userId) ?? 0;
    if (open >= this.maxPerUser) return false;
    this.#perUser.set(userId, open + 1);
    this.#alive.set(socket, true);
    socket.on('pong', () => {
      if (this.#alive.has(socket)) this.#alive.set(socket, true);
    });
    socket.once('close', () => {
      this.#alive.delete(socket);
      const left = (this.#perUser.get(userId) ?? 1) - 1;
      if (left <= 0) this.#perUser.delete(userId);
      else this.#perUser.set(userId, left);
    });
    return true;
  }

  openFor(userId: string): number {
    return this.#perUser.get(userId) ?? 0;
  }

  get size(): number {
    return this.#alive.size;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #sweep(): void {
    for (const [socket, alive] of this.#alive) {
      if (!alive) {
        socket.terminate();
        continue;
      }
      this.#alive.set(socket, false);
      socket.ping();
    }
  }
}

export interface WsConnectionsOptions {
  /** Default 30 s; tests shorten it. */
  pingIntervalMs?: number;
}

async function wsConnections(fastify: FastifyInstance, options: WsConnectionsOptions) {
  const connections = new WsConnections(
    fastify.config.WS_MAX_CONNECTIONS_PER_USER,
    options.pingIntervalMs ?? WS_PING_INTERVAL_MS,
  );
  fastify.decorate('wsConnections', connections);
  fastify.addHook('onClose', async () => connections.close());
}

export default fp(wsConnections, { name: 'ws-connections', dependencies: ['config'] });
