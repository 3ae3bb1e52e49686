import type { TObject, TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import type { ParamIssue } from './types.js';

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  string: 'a string',
};

const BOUNDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

/**
 * TypeBox's errors, one per broken keyword, turned into one issue per parameter that says the
 * whole requirement it missed: `must be an integer >= 2 (got 1.5)` rather than two messages.
 */
export function issuesFromErrors(
  schema: TObject,
  value: unknown,
  errors: readonly TLocalizedValidationError[],
): ParamIssue[] {
  const issues: ParamIssue[] = [];
  const known = Object.keys(schema.properties);
  const byParam = new Map<string, TLocalizedValidationError[]>();
  for (const error of errors) {
    if (error.instancePath === '') {
      issues.push(...rootIssues(schema, error, value, known));
      continue;
    }
    const param = decodePointerToken(error.instancePath.slice(1).split('/')[0]!);
    // Unknown names are reported once, by the additionalProperties error at the root.
    if (!Object.hasOwn(schema.properties, param)) continue;
    byParam.set(param, [...(byParam.get(param) ?? []), error]);
  }
  for (const param of known) {
    const broken = byParam.get(param);
    if (!broken) continue;
    const field = (value as Record<string, unknown>)[param];
    issues.push({ param, problem: describe(schema.properties[param]!, broken, field) });
  }
  return issues;
}

function rootIssues(
  schema: TObject,
  error: TLocalizedValidationError,
  value: unknown,
  known: string[],
): ParamIssue[] {
  if (error.keyword === 'type') {
    return [{ param: null, problem: `parameters must be an object (got ${show(value)})` }];
  }
  if (error.keyword === 'required') {
    return error.params.requiredProperties.map((name) => ({ param: name, problem: 'is required' }));
  }
  if (error.keyword === 'additionalProperties') {
    const list = known.length > 0 ? known.join(', ') : 'none';
    // A schema for other names (the variables of `rules`): the name is allowed, its value is not.
    const other = (schema as { additionalProperties?: unknown }).additionalProperties;
    return error.params.additionalProperties.map((name) => {
      if (typeof other !== 'object') {
        return { param: name, problem: `is not a parameter of this strategy (known: ${list})` };
      }
      const type = String((other as { type?: unknown }).type);
      const field = (value as Record<string, unknown>)[name];
      return {
        param: name,
        problem: `must be ${TYPE_WORDS[type] ?? `of type ${type}`}, as every parameter besides ${list} (got ${show(field)})`,
      };
    });
  }
  return [{ param: null, problem: error.message }];
}

function describe(schema: TSchema, errors: TLocalizedValidationError[], value: unknown): string {
  const requirement: string[] = [];
  const other: string[] = [];
  for (const error of errors) {
    if (error.keyword === 'type') {
      const type = String((schema as { type?: unknown }).type);
      requirement.unshift(TYPE_WORDS[type] ?? `of type ${type}`);
    } else if (BOUNDS.has(error.keyword)) {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      requirement.push(`${comparison} ${limit}`);
    } else {
      other.push(error.message);
    }
  }
  const parts = requirement.length > 0 ? [`must be ${requirement.join(' ')}`, ...other] : other;
  return `${parts.join(', ')} (got ${show(value)})`;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** RFC 6901: `~1` is `/`, `~0` is `~`. */
function decodePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}
