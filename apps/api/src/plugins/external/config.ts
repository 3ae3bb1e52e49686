import type { Config } from '@hindsight/service';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface ConfigPluginOptions {
  config: Config;
}

/** The validated environment (loadConfig), read once at start-up by server.ts or a test. */
async function config(fastify: FastifyInstance, options: ConfigPluginOptions) {
  fastify.decorate('config', options.config);
}

export default fp(config, { name: 'config' });
