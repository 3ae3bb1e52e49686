import sensible from '@fastify/sensible';
import fp from 'fastify-plugin';

/** reply.vary and friends; errors themselves go through the HS_ERR catalogue. */
export default fp(sensible, { name: 'sensible' });
