import { constants } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Compresses answers over 1 kB for clients that accept it: series and trade lists are long runs
 * of digits, which shrink several times. Compression runs on libuv's threads, off the event
 * loop. Brotli at quality 4 rather than its default 11, which costs ten times the CPU for a few
 * per cent.
 */
async function compressPlugin(fastify: FastifyInstance) {
  await fastify.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

export default fp(compressPlugin, { name: 'compress' });
