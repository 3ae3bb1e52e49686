import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listStrategies } from '@hindsight/engine';
import Type from 'typebox';
import { errorResponses } from '../../schemas/error-responses.js';

/** The rule language of `rules`, as GET /strategies describes it for editors offering completion. */
const RuleLanguage = Type.Object(
  {
    series: Type.Array(Type.String(), { description: 'Price and volume columns: close, ...' }),
    functions: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          args: Type.Array(
            Type.Object(
              {
                name: Type.String(),
                kind: Type.Union(
                  [
                    Type.Literal('series'),
                    Type.Literal('value'),
                    Type.Literal('period'),
                    Type.Literal('number'),
                  ],
                  {
                    description:
                      'series: a value per bar; value: a series or a constant; period: a constant whole number of bars; number: a constant',
                  },
                ),
                minimum: Type.Optional(Type.Number()),
                maximum: Type.Optional(Type.Number()),
              },
              { additionalProperties: false },
            ),
          ),
          returns: Type.Union([Type.Literal('number'), Type.Literal('boolean')]),
          description: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    operators: Type.Array(
      Type.Object(
        { symbol: Type.String(), description: Type.String() },
        { additionalProperties: false },
      ),
      { description: 'Loosest binding first.' },
    ),
    limits: Type.Object(
      { maxLength: Type.Integer(), maxDepth: Type.Integer(), maxNodes: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const StrategyList = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          description: Type.String(),
          /** The JSON Schema of the parameters, with defaults, bounds and descriptions. */
          params: Type.Record(Type.String(), Type.Unknown()),
          /** `rules` only: the language its expressions are written in (docs/strategies.md). */
          language: Type.Optional(RuleLanguage),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const strategies: FastifyPluginAsyncTypebox = async (fastify) => {
  // The strategies and the rule language do not change while the process runs.
  const body = { items: listStrategies() };
  fastify.get(
    '/strategies',
    {
      schema: {
        operationId: 'listStrategies',
        tags: ['strategies'],
        summary:
          'The strategies with the JSON Schema of their parameters, and the rule language of `rules`',
        response: { 200: StrategyList, ...errorResponses() },
      },
    },
    async () => body,
  );
};

export default strategies;
