import Type, { type Static } from 'typebox';

/** Every error answer of the REST api: `{ "error": { "code", "message", "details"? } }`. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^HS_ERR_[A-Z_]+$' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;
