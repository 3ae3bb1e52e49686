import type { SimulationConfig } from '@hindsight/engine';
import type { BacktestRequest } from './schemas/backtest-request.js';

/** The engine's view of a parsed request; an absent stop or target is `null` (none). */
export function toSimulationConfig(config: BacktestRequest): SimulationConfig {
  return {
    cash: config.cash,
    commission: config.commission,
    commissionFixed: config.commissionFixed,
    slippageBps: config.slippageBps,
    sizing: config.sizing,
    fill: config.fill,
    finalizeTrades: config.finalizeTrades,
    stopLossPct: config.stopLossPct ?? null,
    takeProfitPct: config.takeProfitPct ?? null,
    conventions: config.conventions,
  };
}
