import type { Static } from 'typebox';
import Value from 'typebox/value';
import type { RuleLanguageInfo } from '../rules/describe.js';
import { checkSchema } from '../schema-check.js';
import { bollingerReversion } from './bollinger_reversion.js';
import { buyAndHold } from './buy_and_hold.js';
import { donchianBreakout } from './donchian_breakout.js';
import { emaCrossover } from './ema_crossover.js';
import { StrategyParamsError, UnknownStrategyError } from './errors.js';
import { issuesFromErrors } from './issues.js';
import { macdCrossover } from './macd_crossover.js';
import { rsiMeanReversion } from './rsi_mean_reversion.js';
import { rules } from './rules.js';
import { smaCrossover } from './sma_crossover.js';
import type { StrategyDefinition } from './types.js';
import { volumeZoneBreakout } from './volume_zone_breakout.js';

/** Every strategy by name: the built-in ones, and `rules`, which runs the user's expressions. */
export const strategies = Object.freeze({
  buy_and_hold: buyAndHold,
  sma_crossover: smaCrossover,
  ema_crossover: emaCrossover,
  rsi_mean_reversion: rsiMeanReversion,
  bollinger_reversion: bollingerReversion,
  macd_crossover: macdCrossover,
  donchian_breakout: donchianBreakout,
  volume_zone_breakout: volumeZoneBreakout,
  rules,
});

export type StrategyName = keyof typeof strategies;
export type StrategyParams<N extends StrategyName> = Static<(typeof strategies)[N]['params']>;

export const STRATEGY_NAMES = Object.freeze(Object.keys(strategies) as StrategyName[]);

export function isStrategyName(name: string): name is StrategyName {
  return Object.hasOwn(strategies, name);
}

/** @throws UnknownStrategyError listing the known names. */
export function getStrategy<N extends StrategyName>(name: N): (typeof strategies)[N];
export function getStrategy(name: string): StrategyDefinition;
export function getStrategy(name: string): StrategyDefinition {
  if (!isStrategyName(name)) throw new UnknownStrategyError(name, STRATEGY_NAMES);
  return strategies[name];
}

/**
 * The parameters a strategy will run with: `input` (undefined for none) with defaults filled in,
 * checked against the schema (types, bounds, no unknown names) and the strategy's cross-parameter
 * rule. `input` itself is never modified.
 * @throws UnknownStrategyError, or StrategyParamsError naming each bad parameter and its problem.
 */
export function resolveParams<N extends StrategyName>(name: N, input: unknown): StrategyParams<N>;
export function resolveParams(name: string, input: unknown): Record<string, unknown>;
export function resolveParams(name: string, input: unknown): Record<string, unknown> {
  const definition = getStrategy(name);
  const schema = definition.params;
  const value = Value.Default(schema, input === undefined ? {} : Value.Clone(input));
  if (!checkSchema(schema, value)) {
    throw new StrategyParamsError(
      name,
      issuesFromErrors(schema, value, Value.Errors(schema, value)),
    );
  }
  const issue = definition.validate?.(value);
  if (issue) throw new StrategyParamsError(name, [issue]);
  return value;
}

export interface StrategyInfo {
  name: StrategyName;
  description: string;
  /** The JSON Schema of the parameters, with defaults, bounds and descriptions. */
  params: Record<string, unknown>;
  /** `rules` only: the expression language (series, functions with their arguments, operators). */
  language?: RuleLanguageInfo;
}

/** What GET /strategies lists: plain JSON, a copy callers may change freely. */
export function listStrategies(): StrategyInfo[] {
  return STRATEGY_NAMES.map((name) => {
    const { description, params, language } = strategies[name] as StrategyDefinition;
    const info: StrategyInfo = { name, description, params: JSON.parse(JSON.stringify(params)) };
    if (language) info.language = JSON.parse(JSON.stringify(language));
    return info;
  });
}
