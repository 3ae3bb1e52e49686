import { parseWithSchema } from '@hindsight/models';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';

export type Parser = (value: unknown) => unknown;

/** What a validator of fastify returns: the parsed value, or the error fastify throws for us. */
function asValidator(parse: Parser) {
  return (value: unknown) => {
    try {
      return { value: parse(value) };
    } catch (error) {
      return { error: error as Error };
    }
  };
}

/**
 * Validates every request part with the models' own parser, so a route and the models agree on
 * defaults and on error messages (HS_ERR_VALIDATION with one issue per problem and its path).
 * Strings of params, query and headers are converted to the numbers and booleans the schema wants.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const convert = httpPart !== 'body';
  return asValidator((value) => parseWithSchema(schema, value ?? {}, { convert }));
};

/**
 * A route's compiler with its own parser for the body (one that knows more than its schema, like
 * parseBacktestRequest) and the shared one for the other parts.
 */
export function bodyParserCompiler(parseBody: Parser): FastifySchemaCompiler<TSchema> {
  return (route) => (route.httpPart === 'body' ? asValidator(parseBody) : validatorCompiler(route));
}
