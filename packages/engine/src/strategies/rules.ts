import Type from 'typebox';
import { describeRuleLanguage, RULE_LIMITS, RuleError, RuleProgram } from '../rules/index.js';
import { StrategyParamsError } from './errors.js';
import type { ParamIssue, StrategyDefinition } from './types.js';

/** The parameters that hold expressions, in the order of the signals they give. */
const EXPRESSIONS = ['entry', 'exit', 'shortEntry', 'shortExit'] as const;
type ExpressionName = (typeof EXPRESSIONS)[number];

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Variables a rule may name; more is a generated parameter set, not a strategy. */
const MAX_VARIABLES = 32;

const expression = (description: string) =>
  Type.String({ description: `${description} At most ${RULE_LIMITS.maxLength} characters.` });

export const RulesParams = Type.Object(
  {
    entry: expression(
      'When flat, go long on the bars this is true, e.g. crosses_above(sma(close, $fast), sma(close, $slow)).',
    ),
    exit: expression('When long, close the long on the bars this is true.'),
    shortEntry: Type.Optional(
      expression('When flat, go short on the bars this is true (needs shortExit).'),
    ),
    shortExit: Type.Optional(
      expression('When short, cover on the bars this is true (needs shortEntry).'),
    ),
  },
  {
    additionalProperties: Type.Number({
      description: 'A variable: any other parameter, a number, read in the expressions as $name.',
    }),
    maxProperties: EXPRESSIONS.length + MAX_VARIABLES,
  },
);
export interface RulesParams {
  entry: string;
  exit: string;
  shortEntry?: string;
  shortExit?: string;
  [variable: string]: string | number | undefined;
}

interface CompiledRules {
  program: RuleProgram;
  /** Which expressions were added, in the order of the program's flags. */
  names: ExpressionName[];
}

/**
 * The expressions compiled into one program (shared sub-expressions computed once), or the first
 * problem: a parameter and the column in it.
 */
function compileRules(params: RulesParams): CompiledRules | ParamIssue {
  const variables: Record<string, number> = Object.create(null);
  for (const [name, value] of Object.entries(params)) {
    if ((EXPRESSIONS as readonly string[]).includes(name)) continue;
    if (!VARIABLE_NAME.test(name)) {
      return {
        param: name,
        problem: 'is not a variable name: letters, digits and _, not starting with a digit',
      };
    }
    variables[name] = value as number;
  }
  if ((params.shortEntry === undefined) !== (params.shortExit === undefined)) {
    const missing = params.shortEntry === undefined ? 'shortEntry' : 'shortExit';
    const given = missing === 'shortEntry' ? 'shortExit' : 'shortEntry';
    return { param: missing, problem: `is required with ${given}: a short needs both` };
  }
  const program = new RuleProgram(variables);
  const names: ExpressionName[] = [];
  for (const name of EXPRESSIONS) {
    const source = params[name];
    if (source === undefined) continue;
    try {
      program.add(source);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return { param: name, problem: error.message, column: error.column };
    }
    names.push(name);
  }
  return { program, names };
}

function ruleIssue(params: RulesParams): ParamIssue | undefined {
  const compiled = compileRules(params);
  return 'program' in compiled ? undefined : compiled;
}

/** compileRules for parameters already checked: a problem is the standalone run's error. */
function compiled(params: RulesParams): CompiledRules {
  const rules = compileRules(params);
  if (!('program' in rules)) throw new StrategyParamsError('rules', [rules]);
  return rules;
}

/** Strategies written by the user as expressions over the bars (docs/strategies.md). */
export const rules: StrategyDefinition<typeof RulesParams> = {
  name: 'rules',
  description:
    'Your own rules: entry, exit (and optionally shortEntry, shortExit) are expressions over the bars, evaluated on every bar, such as crosses_above(sma(close, $fast), sma(close, $slow)); any other parameter is a number read as $name. The language is described under `language`.',
  params: RulesParams,
  language: describeRuleLanguage(),
  validate: (params) => ruleIssue(params as RulesParams),
  // The columns its expressions name, and those the functions they call read (atr: high, low,
  // close). The compiled program computes the series it names itself, once per run; it declares
  // none, so the indicators step stores nothing for it (yet).
  reads: (params) => compiled(params as RulesParams).program.columns,
  indicators: () => [],
  signals(bars, params) {
    const { program, names } = compiled(params as RulesParams);
    const { flags, warmup } = program.run(bars);
    const flag = (name: ExpressionName) => {
      const i = names.indexOf(name);
      return i < 0 ? new Uint8Array(bars.length) : flags[i]!;
    };
    // The key order of emptySignals, so every strategy's Signals share one object shape.
    return {
      warmup,
      enterLong: flag('entry'),
      exitLong: flag('exit'),
      enterShort: flag('shortEntry'),
      exitShort: flag('shortExit'),
    };
  },
};
