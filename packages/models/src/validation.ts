import { checkSchema } from '@hindsight/engine';
import type { Static, TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import Value from 'typebox/value';
import { createError } from './errors.js';
import { ID_PATTERN } from './ids.js';
import { ISO_DATE_PATTERN } from './schemas/common.js';

/** One problem with a value: a JSON pointer into it and what is wrong there. */
export interface ValidationIssue {
  path: string;
  message: string;
}

const BRANCH = /\/anyOf\/(\d+)/;

/** What a pattern asks for, in words: a client reading a raw regular expression learns little. */
const PATTERN_MEANINGS: Record<string, string> = {
  [ISO_DATE_PATTERN]:
    'must be a date (2015-01-01) or a date-time with an offset (2015-01-01T09:30:00Z)',
  [ID_PATTERN]: 'must be a backtest id: 26 lower-case letters and digits',
};

/** The schema path of the union an error sits in, and which of its branches; null outside one. */
function branchOf(error: TLocalizedValidationError): { union: string; branch: string } | null {
  const match = BRANCH.exec(error.schemaPath);
  if (!match) return null;
  return {
    union: error.schemaPath.slice(0, match.index),
    branch: error.schemaPath.slice(0, match.index + match[0].length),
  };
}

function pointer(base: string, property: string): string {
  return `${base}/${property}`;
}

/**
 * Turns a validator's raw errors into one issue per real problem. A union reports every
 * branch's errors; a branch whose literal (`mode: 'quantity'`) does not match is not what the
 * caller meant, so only the branches whose literals match speak - or, if none does, one issue
 * naming the literals allowed.
 */
export function describeErrors(errors: readonly TLocalizedValidationError[]): ValidationIssue[] {
  const mismatchedBranches = new Set<string>();
  const branchesByUnion = new Map<string, Set<string>>();
  for (const error of errors) {
    const place = branchOf(error);
    if (!place) continue;
    const branches = branchesByUnion.get(place.union) ?? new Set<string>();
    branches.add(place.branch);
    branchesByUnion.set(place.union, branches);
    if (error.keyword === 'const') mismatchedBranches.add(place.branch);
  }
  const hopelessUnions = new Set<string>();
  for (const [union, branches] of branchesByUnion) {
    if ([...branches].every((branch) => mismatchedBranches.has(branch))) hopelessUnions.add(union);
  }

  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path: path === '' ? '/' : path, message });
  };
  const allowedByPath = new Map<string, unknown[]>();

  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'boolean') continue;
    const place = branchOf(error);
    if (place && hopelessUnions.has(place.union)) {
      if (error.keyword === 'const') {
        const allowed = allowedByPath.get(error.instancePath) ?? [];
        allowed.push(error.params.allowedValue);
        allowedByPath.set(error.instancePath, allowed);
        add(error.instancePath, '');
      }
      continue;
    }
    if (place && mismatchedBranches.has(place.branch)) continue;
    switch (error.keyword) {
      case 'required':
        for (const name of error.params.requiredProperties) {
          add(pointer(error.instancePath, name), 'is required');
        }
        break;
      case 'additionalProperties':
        for (const name of error.params.additionalProperties) {
          add(pointer(error.instancePath, name), 'is not an allowed property');
        }
        break;
      case 'enum':
        add(
          error.instancePath,
          `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
        );
        break;
      case 'pattern': {
        const { pattern } = error.params;
        const source = typeof pattern === 'string' ? pattern : pattern.source;
        add(error.instancePath, PATTERN_MEANINGS[source] ?? error.message);
        break;
      }
      default:
        add(error.instancePath, error.message);
    }
  }
  for (const issue of issues) {
    if (issue.message !== '') continue;
    const allowed = allowedByPath.get(issue.path === '/' ? '' : issue.path) ?? [];
    issue.message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issues;
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
}

export interface ParseOptions {
  /** Convert strings to the numbers and booleans the schema wants (query strings). */
  convert?: boolean;
}

/**
 * Fills defaults into a copy of `value` and checks it; the parsed copy on success, else an
 * HS_ERR_VALIDATION error whose details list every issue with its path.
 */
export function parseWithSchema<T extends TSchema>(
  schema: T,
  value: unknown,
  options: ParseOptions = {},
): Static<T> {
  let candidate = Value.Default(schema, Value.Clone(value));
  if (options.convert) candidate = Value.Convert(schema, candidate);
  if (checkSchema(schema, candidate)) return candidate as Static<T>;
  const issues = describeErrors(Value.Errors(schema, candidate));
  throw createError('HS_ERR_VALIDATION', { reason: formatIssues(issues) }, { details: { issues } });
}
