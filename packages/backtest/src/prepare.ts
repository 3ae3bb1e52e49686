import {
  getStrategy,
  type ParamIssue,
  resolveParams,
  type SimulationConfig,
  STRATEGY_NAMES,
  type StrategyDefinition,
  validateBacktestingPySymbolCount,
  validateSimulationConfig,
} from '@hindsight/engine';
import {
  type BacktestRequest,
  createError,
  type HindsightError,
  toSimulationConfig,
} from '@hindsight/models';

/** A backtest request with every check the engine makes before it runs, done once. */
export interface PreparedBacktest {
  /** The request with its parameters resolved (defaults filled): what is stored and hashed. */
  request: BacktestRequest;
  strategy: StrategyDefinition;
  params: Record<string, unknown>;
  simulation: SimulationConfig;
}

export interface PrepareOptions {
  /**
   * The request was prepared at submit (a stored backtest): its simulation settings are not
   * checked again here, since `simulate` checks them anyway as the engine's own guard. The
   * strategy and parameters are still resolved - a worker needs them typed, and it is cheap.
   */
  submitted?: boolean;
}

/**
 * Everything a backtest needs from the engine before bars are loaded: a known strategy, its
 * parameters resolved and checked (so `{}` and the defaults spelled out are one config with one
 * fingerprint), and the simulation settings the engine accepts (costs, stops, the backtesting.py
 * profile's single symbol). The api prepares at submit and refuses what fails; the worker
 * prepares again from the stored, already resolved config, once per job, and trusts it after.
 * @throws UnknownStrategyError, StrategyParamsError, SimulationConfigError (see
 *   engineErrorCode for their HS_ERR_* codes)
 */
export function prepareBacktest(
  request: BacktestRequest,
  options: PrepareOptions = {},
): PreparedBacktest {
  const { name } = request.strategy;
  const strategy = getStrategy(name);
  const params: Record<string, unknown> = resolveParams(name, request.strategy.params);
  const simulation = toSimulationConfig(request);
  if (!options.submitted) {
    validateSimulationConfig(simulation);
    validateBacktestingPySymbolCount(request.conventions, request.symbols.length);
  }
  return { request: { ...request, strategy: { name, params } }, strategy, params, simulation };
}

/**
 * The HS_ERR_* code of an engine error that means the request cannot run as asked; null for
 * anything else. The one place these are mapped, for the api's refusals and the worker's
 * failures alike; by name, so copies of the engine module (a worker thread's) agree.
 */
export function engineErrorCode(
  error: unknown,
): 'HS_ERR_UNKNOWN_STRATEGY' | 'HS_ERR_BAD_STRATEGY_PARAMS' | 'HS_ERR_VALIDATION' | null {
  if (!(error instanceof Error)) return null;
  switch (error.name) {
    case 'UnknownStrategyError':
      return 'HS_ERR_UNKNOWN_STRATEGY';
    case 'StrategyParamsError':
      return 'HS_ERR_BAD_STRATEGY_PARAMS';
    case 'SimulationConfigError':
      return 'HS_ERR_VALIDATION';
    default:
      return null;
  }
}

/**
 * An engine error as the api answers it: the coded error with details a client can act on (the
 * strategies there are, each bad parameter); null for an error that is not the request's fault.
 */
export function engineRefusal(error: unknown, request: BacktestRequest): HindsightError | null {
  const code = engineErrorCode(error);
  if (code === null) return null;
  const name = request.strategy.name;
  const message = (error as Error).message;
  if (code === 'HS_ERR_UNKNOWN_STRATEGY') {
    return createError(
      code,
      { name, available: STRATEGY_NAMES.join(', ') },
      { details: { strategy: name, available: [...STRATEGY_NAMES] } },
    );
  }
  if (code === 'HS_ERR_BAD_STRATEGY_PARAMS') {
    const issues = (error as Error & { issues?: readonly ParamIssue[] }).issues ?? [];
    const reason = issues
      .map((issue) => (issue.param === null ? issue.problem : `${issue.param} ${issue.problem}`))
      .join('; ');
    return createError(
      code,
      { name, reason },
      { details: { strategy: name, issues: issues.map((issue) => ({ ...issue })) } },
    );
  }
  return createError(code, { reason: message }, { details: { reason: message } });
}
