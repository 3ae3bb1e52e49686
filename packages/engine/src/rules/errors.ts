/** An expression the rule language refuses: what is wrong and where (1-based column). */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    readonly column: number,
    readonly problem: string,
  ) {
    super(`at column ${column}: ${problem}`);
  }
}
