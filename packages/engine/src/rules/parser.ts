import { RuleError } from './errors.js';
import { type Token, tokenize } from './lexer.js';

export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  | 'and'
  | 'or';

/** The syntax tree of an expression; every node knows its 1-based column. */
export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly column: number }
  /** A series (`close`) or, before `(`, a function name. */
  | { readonly kind: 'name'; readonly name: string; readonly column: number }
  | { readonly kind: 'variable'; readonly name: string; readonly column: number }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly column: number;
    }
  | {
      readonly kind: 'unary';
      readonly operator: '-' | 'not';
      readonly operand: Expr;
      readonly column: number;
    }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
      readonly column: number;
    }
  /** `target[bars]`: the value `bars` bars ago. */
  | { readonly kind: 'lag'; readonly target: Expr; readonly bars: Expr; readonly column: number };

/**
 * Bounds that keep parsing and compiling cheap whatever is submitted: an expression longer than
 * this is refused before it is read, and nesting or size past these while it is read.
 */
export const RULE_LIMITS = Object.freeze({
  /** Characters in one expression. */
  maxLength: 2000,
  /** Nesting of parentheses, calls, lags and operators. */
  maxDepth: 32,
  /** Nodes of the syntax tree. */
  maxNodes: 400,
});

/** Binding power of each infix operator (higher binds tighter); all are left-associative. */
const INFIX: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, number>, {
    or: 1,
    and: 2,
    '<': 4,
    '<=': 4,
    '>': 4,
    '>=': 4,
    '==': 4,
    '!=': 4,
    '+': 5,
    '-': 5,
    '*': 6,
    '/': 6,
  }),
);
const NOT_POWER = 3;
const NEGATE_POWER = 7;

/**
 * The tree of one expression, by a Pratt parser. Recursion happens only where nesting does
 * (an operand, a parenthesis, an argument, a lag), and each level is counted against
 * `maxDepth`, so no input can exhaust the stack.
 * @throws RuleError naming the column of the first problem.
 */
export function parse(source: string): Expr {
  if (source.length > RULE_LIMITS.maxLength) {
    throw new RuleError(
      1,
      `the expression is ${source.length} characters long; at most ${RULE_LIMITS.maxLength} are allowed`,
    );
  }
  return new Parser(tokenize(source)).parseAll();
}

class Parser {
  private position = 0;
  private depth = 0;
  private nodes = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Expr {
    if (this.peek().type === 'end') throw new RuleError(1, 'the expression is empty');
    const expr = this.expression(0);
    const rest = this.peek();
    if (rest.type !== 'end') throw new RuleError(rest.column, `unexpected ${describe(rest)}`);
    return expr;
  }

  private expression(minPower: number): Expr {
    const start = this.peek();
    if (++this.depth > RULE_LIMITS.maxDepth) {
      throw new RuleError(
        start.column,
        `the expression nests deeper than ${RULE_LIMITS.maxDepth} levels`,
      );
    }
    let left = this.prefix();
    for (;;) {
      const next = this.peek();
      if (next.type === 'operator' && next.text === '[') {
        this.advance();
        const bars = this.expression(0);
        this.expect(']', 'to close the lag');
        left = this.node({ kind: 'lag', target: left, bars, column: next.column });
        continue;
      }
      const power = next.type === 'operator' ? INFIX[next.text] : undefined;
      if (power === undefined || power <= minPower) break;
      this.advance();
      const right = this.expression(power);
      left = this.node({
        kind: 'binary',
        operator: next.text as BinaryOperator,
        left,
        right,
        column: next.column,
      });
    }
    this.depth--;
    return left;
  }

  private prefix(): Expr {
    const token = this.advance();
    const { column } = token;
    switch (token.type) {
      case 'number': {
        const value = Number(token.text);
        if (!Number.isFinite(value)) throw new RuleError(column, `${token.text} is too large`);
        return this.node({ kind: 'number', value, column });
      }
      case 'variable':
        return this.node({ kind: 'variable', name: token.text, column });
      case 'name':
        if (this.peek().text === '(' && this.peek().type === 'operator') {
          this.advance();
          return this.node({ kind: 'call', name: token.text, args: this.args(), column });
        }
        return this.node({ kind: 'name', name: token.text, column });
      case 'operator':
        if (token.text === '(') {
          const inner = this.expression(0);
          this.expect(')', `to close the '(' at column ${column}`);
          return inner;
        }
        if (token.text === '-' || token.text === 'not') {
          const operand = this.expression(token.text === '-' ? NEGATE_POWER : NOT_POWER);
          return this.node({ kind: 'unary', operator: token.text, operand, column });
        }
        throw new RuleError(column, `unexpected ${describe(token)}`);
      case 'end':
        throw new RuleError(column, 'the expression ends too early');
    }
  }

  /** Arguments after `(`, through the closing `)`. */
  private args(): Expr[] {
    const args: Expr[] = [];
    if (this.peek().text === ')' && this.peek().type === 'operator') {
      this.advance();
      return args;
    }
    for (;;) {
      args.push(this.expression(0));
      const next = this.advance();
      if (next.type === 'operator' && next.text === ')') return args;
      if (next.type !== 'operator' || next.text !== ',') {
        throw new RuleError(
          next.column,
          `expected ',' or ')' in the arguments, found ${describe(next)}`,
        );
      }
    }
  }

  private node<E extends Expr>(expr: E): E {
    if (++this.nodes > RULE_LIMITS.maxNodes) {
      throw new RuleError(
        expr.column,
        `the expression has more than ${RULE_LIMITS.maxNodes} terms and operators`,
      );
    }
    return expr;
  }

  private expect(text: string, why: string): void {
    const token = this.advance();
    if (token.type !== 'operator' || token.text !== text) {
      throw new RuleError(token.column, `expected '${text}' ${why}, found ${describe(token)}`);
    }
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private advance(): Token {
    const token = this.tokens[this.position]!;
    if (token.type !== 'end') this.position++;
    return token;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the expression';
    case 'number':
      return `number ${token.text}`;
    case 'variable':
      return `variable $${token.text}`;
    default:
      return `'${token.text}'`;
  }
}
