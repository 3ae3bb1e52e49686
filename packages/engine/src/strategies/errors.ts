import type { ParamIssue } from './types.js';

export class UnknownStrategyError extends Error {
  override readonly name = 'UnknownStrategyError';
  constructor(
    readonly strategy: string,
    readonly known: readonly string[],
  ) {
    super(`unknown strategy '${strategy}' (known: ${known.join(', ')})`);
  }
}

/** Parameters a strategy cannot run with; the message names each parameter and its problem. */
export class StrategyParamsError extends Error {
  override readonly name = 'StrategyParamsError';
  constructor(
    readonly strategy: string,
    readonly issues: readonly ParamIssue[],
  ) {
    const described = issues.map((i) => (i.param === null ? i.problem : `${i.param} ${i.problem}`));
    super(`${strategy}: ${described.join('; ')}`);
  }
}

/** Strategies check their cross-parameter rule again when run directly, without `resolveParams`. */
export function throwIfBroken(strategy: string, issue: ParamIssue | undefined): void {
  if (issue) throw new StrategyParamsError(strategy, [issue]);
}
