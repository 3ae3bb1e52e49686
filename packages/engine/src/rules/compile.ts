import { BAR_COLUMNS, type BarColumn, type Bars } from '../bars.js';
import { firstDefined } from '../signals.js';
import { RuleError } from './errors.js';
import { type ArgSpec, FUNCTIONS, SERIES } from './language.js';
import { type BinaryOperator, type Expr, parse } from './parser.js';

type ValueType = 'number' | 'boolean';
type Column = Float64Array | Uint8Array;

/** A checked sub-expression: a constant folded at compile time, or a column computed per run. */
type Operand =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'column'; readonly slot: number; readonly type: ValueType };

/** One columnar operation: it reads earlier slots and fills its own. */
interface Step {
  readonly type: ValueType;
  run(columns: readonly Column[], context: RunContext): Column;
  /**
   * The slots it reads and the bars it shifts by, for the first bar its result means something on:
   * a number column's is its first defined value; a true/false column's is the latest of its
   * inputs' (plus the lag of a lag), since a comparison with NaN reads false without being an
   * answer.
   */
  readonly inputs: readonly number[];
  readonly lag: number;
}

interface RunContext {
  readonly bars: Bars;
  readonly shared: Map<string, unknown>;
}

/** The columns of one run: each expression's flags and the bar from which all are defined. */
export interface RuleRun {
  /** One 0/1 column per expression added, in order. */
  readonly flags: readonly Uint8Array[];
  /** The latest first defined bar over the expressions: no decision is taken before it. */
  readonly warmup: number;
}

const COMPARISONS = new Set<BinaryOperator>(['<', '<=', '>', '>=', '==', '!=']);
/** The comparison with its sides swapped: `a < b` is `b > a`. */
const FLIPPED: Readonly<Partial<Record<BinaryOperator, BinaryOperator>>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
};
const ARITHMETIC = new Set<BinaryOperator>(['+', '-', '*', '/']);

/**
 * Expressions compiled together into one list of columnar steps. Identical sub-expressions,
 * within one expression or across several (an entry and its exit both averaging the close), are
 * one step, found by a canonical key; every step runs once per run, in order, reusing the engine's
 * indicator functions. Nothing is evaluated as code: the tree only chooses which of these fixed
 * operations run on which columns.
 */
export class RuleProgram {
  private readonly steps: Step[] = [];
  private readonly keys: string[] = [];
  private readonly slotByKey = new Map<string, number>();
  private readonly roots: number[] = [];
  /** The bar columns the steps read: series named, and those functions read themselves. */
  private readonly read = new Set<BarColumn>();

  /** `variables`: the numeric parameters, each readable as `$name`. */
  constructor(private readonly variables: Readonly<Record<string, number>>) {}

  /** Distinct operations: what memoisation left to compute. */
  get stepCount(): number {
    return this.steps.length;
  }

  /** Every bar column (besides time) a run reads, in the order of BAR_COLUMNS. */
  get columns(): BarColumn[] {
    return BAR_COLUMNS.filter((column) => this.read.has(column));
  }

  /**
   * Adds one true/false expression. @throws RuleError (with its column) if it does not parse or
   * does not check: an unknown name, a wrong argument, a lag that would read ahead.
   */
  add(source: string): void {
    const expr = parse(source);
    const root = this.compile(expr);
    if (root.kind === 'constant' || root.type !== 'boolean') {
      throw new RuleError(
        startOf(expr),
        'the expression must be true or false on each bar: a comparison such as close > sma(close, 20), crosses_above(...), crosses_below(...), or and/or/not of those',
      );
    }
    this.roots.push(root.slot);
  }

  run(bars: Bars): RuleRun {
    const n = bars.length;
    const context: RunContext = { bars, shared: new Map() };
    const columns: Column[] = [];
    const first: number[] = [];
    for (const step of this.steps) {
      const column = step.run(columns, context);
      columns.push(column);
      if (step.type === 'number') {
        // A lagged number column has its lag's NaN in front already.
        first.push(firstDefined(column as Float64Array));
      } else {
        let from = 0;
        for (const input of step.inputs) from = Math.max(from, first[input]!);
        first.push(Math.min(n, from + step.lag));
      }
    }
    let warmup = 0;
    for (const root of this.roots) warmup = Math.max(warmup, first[root]!);
    const used = new Set<Column>();
    const flags = this.roots.map((root) => {
      const column = columns[root] as Uint8Array;
      // Two expressions may share one step; each gets a column of its own to clear.
      const own = used.has(column) ? column.slice() : column;
      used.add(own);
      own.fill(0, 0, warmup);
      return own;
    });
    return { flags, warmup };
  }

  private compile(expr: Expr): Operand {
    switch (expr.kind) {
      case 'number':
        return { kind: 'constant', value: expr.value };
      case 'variable': {
        if (!Object.hasOwn(this.variables, expr.name)) {
          const known = Object.keys(this.variables).map((name) => `$${name}`);
          throw new RuleError(
            expr.column,
            `unknown variable $${expr.name} (${known.length > 0 ? `variables: ${known.join(', ')}` : 'no numeric parameters are given'})`,
          );
        }
        return { kind: 'constant', value: this.variables[expr.name]! };
      }
      case 'name':
        return this.series(expr.name, expr.column);
      case 'call':
        return this.call(expr.name, expr.args, expr.column);
      case 'unary':
        return this.unary(expr.operator, this.compile(expr.operand), expr.column);
      case 'binary':
        return this.binary(
          expr.operator,
          this.compile(expr.left),
          this.compile(expr.right),
          expr.column,
        );
      case 'lag':
        return this.lag(this.compile(expr.target), expr.bars);
    }
  }

  private series(name: string, column: number): Operand {
    if (!Object.hasOwn(SERIES, name)) {
      if (Object.hasOwn(FUNCTIONS, name)) {
        throw new RuleError(column, `${name} is a function: write ${signature(name)}`);
      }
      throw new RuleError(
        column,
        `unknown series '${name}' (series: ${Object.keys(SERIES).join(', ')}; variables are written $name)`,
      );
    }
    const field = SERIES[name]!;
    this.read.add(field);
    return this.step(name, {
      type: 'number',
      inputs: [],
      lag: 0,
      run: (_, { bars }) => bars[field],
    });
  }

  private call(name: string, args: readonly Expr[], column: number): Operand {
    if (!Object.hasOwn(FUNCTIONS, name)) {
      if (Object.hasOwn(SERIES, name)) {
        throw new RuleError(
          column,
          `${name} is a series, not a function: write ${name} or ${name}[1]`,
        );
      }
      throw new RuleError(
        column,
        `unknown function '${name}' (functions: ${Object.keys(FUNCTIONS).join(', ')})`,
      );
    }
    const spec = FUNCTIONS[name]!;
    if (args.length !== spec.args.length) {
      throw new RuleError(
        column,
        `${name} takes ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'}, got ${args.length}: ${signature(name)}`,
      );
    }
    const operands = args.map((arg, i) => this.argument(name, spec.args[i]!, arg));
    const constants = operands.filter((o) => o.kind === 'constant').map((o) => o.value);
    const problem = spec.check?.(constants);
    if (problem) throw new RuleError(column, `${name}: ${problem}`);
    for (const field of spec.reads ?? []) this.read.add(field);
    const argKeys = operands.map((o) => this.keyOf(o)).join(',');
    const sharedKey = `${spec.family ?? name}(${argKeys})`;
    const inputs = operands.flatMap((o) => (o.kind === 'column' ? [o.slot] : []));
    return this.step(`${name}(${argKeys})`, {
      type: spec.returns,
      inputs,
      lag: 0,
      run: (columns, context) => {
        const values = operands.map((o) =>
          o.kind === 'constant' ? o.value : (columns[o.slot] as Float64Array),
        );
        return spec.compute(values, {
          bars: context.bars,
          shared<T>(make: () => T): T {
            if (!context.shared.has(sharedKey)) context.shared.set(sharedKey, make());
            return context.shared.get(sharedKey) as T;
          },
        });
      },
    });
  }

  /** One argument, checked against what its function expects; a `value` constant becomes a column. */
  private argument(name: string, spec: ArgSpec, arg: Expr): Operand {
    const operand = this.compile(arg);
    const label = `${name}'s ${spec.name}`;
    const column = startOf(arg);
    if (spec.kind === 'period' || spec.kind === 'number') {
      if (operand.kind !== 'constant') {
        throw new RuleError(
          column,
          `${label} must be a constant (a number, a $variable, or arithmetic of those), not a series`,
        );
      }
      const { value } = operand;
      const whole = spec.kind === 'period';
      if (
        (whole && !Number.isInteger(value)) ||
        !Number.isFinite(value) ||
        value < (spec.minimum ?? -Infinity) ||
        value > (spec.maximum ?? Infinity)
      ) {
        throw new RuleError(
          column,
          `${label} must be ${whole ? 'a whole number' : 'a number'} from ${spec.minimum} to ${spec.maximum} (got ${value})`,
        );
      }
      return operand;
    }
    if (operand.kind === 'constant') {
      if (spec.kind === 'series') {
        throw new RuleError(
          column,
          `${label} must be a series such as close or sma(close, 10), not the constant ${operand.value}`,
        );
      }
      return this.constantColumn(operand.value);
    }
    if (operand.type !== 'number') {
      throw new RuleError(column, `${label} must be a number series, not true/false`);
    }
    return operand;
  }

  private unary(operator: '-' | 'not', operand: Operand, column: number): Operand {
    if (operator === '-') {
      if (operand.kind === 'constant') return { kind: 'constant', value: -operand.value };
      this.expectType(operand, 'number', "'-'", column);
      return this.step(`(-${this.keyOf(operand)})`, {
        type: 'number',
        inputs: [operand.slot],
        lag: 0,
        run: (columns) => (columns[operand.slot] as Float64Array).map((v) => -v),
      });
    }
    if (operand.kind === 'constant') {
      throw new RuleError(column, "'not' needs true/false on each bar, not a constant");
    }
    this.expectType(operand, 'boolean', "'not'", column);
    return this.step(`(not ${this.keyOf(operand)})`, {
      type: 'boolean',
      inputs: [operand.slot],
      lag: 0,
      run: (columns) => (columns[operand.slot] as Uint8Array).map((v) => 1 - v),
    });
  }

  private binary(operator: BinaryOperator, left: Operand, right: Operand, column: number): Operand {
    const name = `'${operator}'`;
    if (ARITHMETIC.has(operator) && left.kind === 'constant' && right.kind === 'constant') {
      return { kind: 'constant', value: arithmetic(operator, left.value, right.value) };
    }
    if (left.kind === 'constant' && right.kind === 'constant') {
      throw new RuleError(
        column,
        `${name} has a constant on both sides: it would be the same on every bar`,
      );
    }
    if (COMPARISONS.has(operator) && (left.kind === 'constant' || right.kind === 'constant')) {
      return this.compareWithConstant(operator, left, right, column);
    }
    const want: ValueType =
      ARITHMETIC.has(operator) || COMPARISONS.has(operator) ? 'number' : 'boolean';
    const a = this.asColumn(left, want, name, column);
    const b = this.asColumn(right, want, name, column);
    const key = `(${this.keyOf(a)} ${operator} ${this.keyOf(b)})`;
    const type: ValueType = ARITHMETIC.has(operator) ? 'number' : 'boolean';
    return this.step(key, {
      type,
      inputs: [a.slot, b.slot],
      lag: 0,
      run: (columns) =>
        type === 'number'
          ? arithmeticColumns(
              operator,
              columns[a.slot] as Float64Array,
              columns[b.slot] as Float64Array,
            )
          : COMPARISONS.has(operator)
            ? compareColumns(
                operator,
                columns[a.slot] as Float64Array,
                columns[b.slot] as Float64Array,
              )
            : logicColumns(operator, columns[a.slot] as Uint8Array, columns[b.slot] as Uint8Array),
    });
  }

  /**
   * `rsi(close, 14) < 30` without a column of 30s: the constant stays a number, on the right
   * (`30 > x` is `x < 30`).
   */
  private compareWithConstant(
    operator: BinaryOperator,
    left: Operand,
    right: Operand,
    column: number,
  ): Operand {
    const flipped = left.kind === 'constant';
    const series = (flipped ? right : left) as Extract<Operand, { kind: 'column' }>;
    const value = (flipped ? left : right) as Extract<Operand, { kind: 'constant' }>;
    const op = flipped ? FLIPPED[operator]! : operator;
    this.expectType(series, 'number', `'${operator}'`, column);
    return this.step(`(${this.keyOf(series)} ${op} ${numberKey(value.value)})`, {
      type: 'boolean',
      inputs: [series.slot],
      lag: 0,
      run: (columns) => compareToConstant(op, columns[series.slot] as Float64Array, value.value),
    });
  }

  private lag(target: Operand, barsExpr: Expr): Operand {
    const bars = this.compile(barsExpr);
    if (bars.kind !== 'constant' || !Number.isInteger(bars.value) || bars.value < 0) {
      const got = bars.kind === 'constant' ? ` (got ${bars.value})` : ', not a series';
      throw new RuleError(
        startOf(barsExpr),
        `a lag x[k] must be a whole number of bars ago, 0 or more, fixed before the run${got}: nothing may read a later bar`,
      );
    }
    const k = bars.value;
    if (k > RULE_MAX_LAG) {
      throw new RuleError(
        startOf(barsExpr),
        `a lag may be at most ${RULE_MAX_LAG} bars (got ${k})`,
      );
    }
    if (target.kind === 'constant' || k === 0) return target;
    const source = target;
    return this.step(`${this.keyOf(source)}[${k}]`, {
      type: source.type,
      inputs: [source.slot],
      lag: k,
      run: (columns) => shift(columns[source.slot]!, k),
    });
  }

  private asColumn(
    operand: Operand,
    type: ValueType,
    operator: string,
    column: number,
  ): Extract<Operand, { kind: 'column' }> {
    if (operand.kind === 'constant') {
      if (type === 'boolean') {
        throw new RuleError(column, `${operator} needs true/false on both sides, not a constant`);
      }
      return this.constantColumn(operand.value);
    }
    this.expectType(operand, type, operator, column);
    return operand;
  }

  private expectType(
    operand: Extract<Operand, { kind: 'column' }>,
    type: ValueType,
    operator: string,
    column: number,
  ): void {
    if (operand.type === type) return;
    throw new RuleError(
      column,
      type === 'number'
        ? `${operator} needs numbers, not true/false`
        : `${operator} needs true/false (a comparison or a crossing), not a number`,
    );
  }

  private constantColumn(value: number): Extract<Operand, { kind: 'column' }> {
    return this.step(`#${numberKey(value)}`, {
      type: 'number',
      inputs: [],
      lag: 0,
      run: (_, { bars }) => new Float64Array(bars.length).fill(value),
    });
  }

  private step(key: string, step: Step): Extract<Operand, { kind: 'column' }> {
    let slot = this.slotByKey.get(key);
    if (slot === undefined) {
      slot = this.steps.length;
      this.steps.push(step);
      this.keys.push(key);
      this.slotByKey.set(key, slot);
    }
    return { kind: 'column', slot, type: this.steps[slot]!.type };
  }

  private keyOf(operand: Operand): string {
    return operand.kind === 'constant' ? numberKey(operand.value) : this.keys[operand.slot]!;
  }
}

/** Where an expression begins: its leftmost token (an operator node's own column is the operator's). */
function startOf(expr: Expr): number {
  let node = expr;
  for (;;) {
    if (node.kind === 'binary') node = node.left;
    else if (node.kind === 'lag') node = node.target;
    else return node.column;
  }
}

/** Lags longer than the longest indicator period read only warm-up. */
const RULE_MAX_LAG = 10_000;

/** `sma(series, period)`: how a function is called. */
function signature(name: string): string {
  return `${name}(${FUNCTIONS[name]!.args.map((arg) => arg.name).join(', ')})`;
}

function numberKey(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function arithmetic(operator: BinaryOperator, a: number, b: number): number {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return a / b;
  }
}

function arithmeticColumns(
  operator: BinaryOperator,
  a: Float64Array,
  b: Float64Array,
): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  switch (operator) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      break;
    case '-':
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      break;
    case '*':
      for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  }
  return out;
}

/** IEEE comparisons: any comparison with NaN is false, `!=` included, so warm-up never reads true. */
function compareColumns(operator: BinaryOperator, a: Float64Array, b: Float64Array): Uint8Array {
  const n = a.length;
  const out = new Uint8Array(n);
  switch (operator) {
    case '<':
      for (let i = 0; i < n; i++) out[i] = a[i]! < b[i]! ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! ? 1 : 0;
      break;
    case '>':
      for (let i = 0; i < n; i++) out[i] = a[i]! > b[i]! ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! ? 1 : 0;
      break;
    case '==':
      for (let i = 0; i < n; i++) out[i] = a[i]! === b[i]! ? 1 : 0;
      break;
    default:
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        const y = b[i]!;
        out[i] = x !== y && !Number.isNaN(x) && !Number.isNaN(y) ? 1 : 0;
      }
  }
  return out;
}

/** compareColumns against one number: NaN on the left is false likewise. */
function compareToConstant(operator: BinaryOperator, a: Float64Array, c: number): Uint8Array {
  const n = a.length;
  const out = new Uint8Array(n);
  switch (operator) {
    case '<':
      for (let i = 0; i < n; i++) out[i] = a[i]! < c ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = a[i]! <= c ? 1 : 0;
      break;
    case '>':
      for (let i = 0; i < n; i++) out[i] = a[i]! > c ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) out[i] = a[i]! >= c ? 1 : 0;
      break;
    case '==':
      for (let i = 0; i < n; i++) out[i] = a[i]! === c ? 1 : 0;
      break;
    default:
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        out[i] = x !== c && !Number.isNaN(x) && !Number.isNaN(c) ? 1 : 0;
      }
  }
  return out;
}

function logicColumns(operator: BinaryOperator, a: Uint8Array, b: Uint8Array): Uint8Array {
  const n = a.length;
  const out = new Uint8Array(n);
  if (operator === 'and') for (let i = 0; i < n; i++) out[i] = a[i]! & b[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! | b[i]!;
  return out;
}

/** The column `k` bars later: NaN (or false) where there is no bar k bars before. */
function shift(column: Column, k: number): Column {
  const n = column.length;
  if (column instanceof Float64Array) {
    const out = new Float64Array(n);
    out.fill(Number.NaN, 0, Math.min(k, n));
    out.set(column.subarray(0, Math.max(0, n - k)), Math.min(k, n));
    return out;
  }
  const out = new Uint8Array(n);
  out.set(column.subarray(0, Math.max(0, n - k)), Math.min(k, n));
  return out;
}
