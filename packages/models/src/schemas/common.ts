import Type, { type TSchema } from 'typebox';
import { ID_PATTERN } from '../ids.js';

/** Where the REST api lives; links in answers, webhooks and e-mails start with it. */
export const API_PREFIX = '/api/v1';

/** An instant as `Date#toISOString` writes it: UTC, milliseconds, `Z`. */
export const IsoDateTime = Type.String({ format: 'date-time' });

/**
 * A calendar date (`2004-08-19`) or a date-time with an offset (`2004-08-19T14:30:00Z`). A
 * pattern rather than a format so that any JSON Schema validator reads it the same; whether the
 * date exists in the calendar is checked after the schema (see parseBacktestRequest).
 */
export const ISO_DATE_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
export const IsoDate = Type.String({ pattern: ISO_DATE_PATTERN });

/** A time-ordered base32 id made by `newId`. */
export const Id = Type.String({ pattern: ID_PATTERN });

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
