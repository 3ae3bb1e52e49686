import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Clients only listen on /ws; anything they send is a few bytes at most, so a frame over 4 KiB is
 * refused (close 1009) before it is buffered.
 */
export const WS_MAX_PAYLOAD_BYTES = 4096;

async function websocketPlugin(fastify: FastifyInstance) {
  await fastify.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES } });
}

export default fp(websocketPlugin, { name: 'websocket' });
