import Type, { type TProperties } from 'typebox';
import type { ParamIssue } from './types.js';

/** Longer look-backs than this are a typo, and would only leave a run without a decision. */
export const MAX_PERIOD = 10_000;

/** The parameter object of a strategy: unknown names are an error, not silently ignored. */
export function strategyParams<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** A look-back in bars. */
export function periodParam(defaultValue: number, description: string, minimum = 1) {
  return Type.Integer({ default: defaultValue, minimum, maximum: MAX_PERIOD, description });
}

export function allowShortParam() {
  return Type.Boolean({
    default: false,
    description:
      'Also trade the short side: the exit signal of a long opens a short, and vice versa.',
  });
}

/** The rule shared by the two-average strategies. */
export function fastBelowSlow(params: { fast: number; slow: number }): ParamIssue | undefined {
  if (params.fast < params.slow) return undefined;
  return {
    param: 'fast',
    problem: `must be < slow (got fast=${params.fast}, slow=${params.slow})`,
  };
}
