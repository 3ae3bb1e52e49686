import {
  resolveParams,
  STRATEGY_NAMES,
  StrategyParamsError,
  UnknownStrategyError,
} from '@hindsight/engine';
import { type BacktestRequest, createError } from '@hindsight/models';

/**
 * The request with its strategy parameters resolved by the engine (defaults filled, every value
 * and cross-parameter rule checked), so that `{}` and the defaults spelled out are one config
 * with one fingerprint.
 * @throws HS_ERR_UNKNOWN_STRATEGY, or HS_ERR_BAD_STRATEGY_PARAMS naming each bad parameter.
 */
export function checkStrategy(config: BacktestRequest): BacktestRequest {
  const { name, params } = config.strategy;
  try {
    return { ...config, strategy: { name, params: resolveParams(name, params) } };
  } catch (error) {
    if (error instanceof UnknownStrategyError) {
      throw createError(
        'HS_ERR_UNKNOWN_STRATEGY',
        { name, available: STRATEGY_NAMES.join(', ') },
        { details: { strategy: name, available: [...STRATEGY_NAMES] } },
      );
    }
    if (error instanceof StrategyParamsError) {
      const reason = error.issues
        .map((issue) => (issue.param === null ? issue.problem : `${issue.param} ${issue.problem}`))
        .join('; ');
      throw createError(
        'HS_ERR_BAD_STRATEGY_PARAMS',
        { name, reason },
        { details: { strategy: name, issues: error.issues.map((issue) => ({ ...issue })) } },
      );
    }
    throw error;
  }
}
