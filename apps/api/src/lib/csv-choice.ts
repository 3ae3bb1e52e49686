import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';

/**
 * The `format` query of every route that offers CSV: a download link (`<a href>`) cannot set an
 * Accept header, so the choice can travel in the URL too.
 */
export const FormatQuery = Type.Object(
  {
    /** `csv` or `json`; overrides Accept. Unset: CSV for `Accept: text/csv`, else JSON. */
    format: Type.Optional(Type.Enum(['json', 'csv'])),
  },
  { additionalProperties: false },
);

/**
 * Whether to answer CSV: `?format=` when given, else the Accept header. The answer varies with
 * Accept, so caches keep the two apart.
 */
export function wantsCsv(
  format: 'json' | 'csv' | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  reply.vary('Accept');
  if (format !== undefined) return format === 'csv';
  return request.headers.accept?.includes('text/csv') ?? false;
}
