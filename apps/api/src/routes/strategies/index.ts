import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listStrategies } from '@hindsight/engine';
import Type from 'typebox';
import { errorResponses } from '../../schemas/error-responses.js';

const StrategyList = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          description: Type.String(),
          /** The JSON Schema of the parameters, with defaults, bounds and descriptions. */
          params: Type.Record(Type.String(), Type.Unknown()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const strategies: FastifyPluginAsyncTypebox = async (fastify) => {
  // Built-in strategies do not change while the process runs.
  const body = { items: listStrategies() };
  fastify.get(
    '/strategies',
    {
      schema: {
        operationId: 'listStrategies',
        tags: ['strategies'],
        summary: 'The built-in strategies with the JSON Schema of their parameters',
        response: { 200: StrategyList, ...errorResponses() },
      },
    },
    async () => body,
  );
};

export default strategies;
