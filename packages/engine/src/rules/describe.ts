import { type ArgKind, FUNCTIONS, SERIES } from './language.js';
import { RULE_LIMITS } from './parser.js';

/** The rule language as data, for a client offering completion: plain JSON. */
export interface RuleLanguageInfo {
  series: string[];
  functions: {
    name: string;
    args: { name: string; kind: ArgKind; minimum?: number; maximum?: number }[];
    returns: 'number' | 'boolean';
    description: string;
  }[];
  operators: { symbol: string; description: string }[];
  limits: { maxLength: number; maxDepth: number; maxNodes: number };
}

/** Loosest first: `or` binds loosest, a lag tightest. */
const OPERATORS = [
  { symbol: 'or', description: 'true if either side is true' },
  { symbol: 'and', description: 'true if both sides are true' },
  { symbol: 'not', description: 'true if the operand is false' },
  {
    symbol: '< <= > >= == !=',
    description: 'compare numbers; false whenever either side is NaN (warm-up)',
  },
  { symbol: '+ -', description: 'add, subtract' },
  { symbol: '* /', description: 'multiply, divide' },
  { symbol: '-x', description: 'negate' },
  { symbol: 'x[k]', description: 'x k bars ago; k a constant whole number >= 0' },
  { symbol: '$name', description: 'a numeric parameter of the strategy, fixed for the run' },
];

export function describeRuleLanguage(): RuleLanguageInfo {
  return {
    series: Object.keys(SERIES),
    functions: Object.entries(FUNCTIONS).map(([name, spec]) => ({
      name,
      args: spec.args.map((arg) => ({ ...arg })),
      returns: spec.returns,
      description: spec.description,
    })),
    operators: OPERATORS.map((operator) => ({ ...operator })),
    limits: { ...RULE_LIMITS },
  };
}
