import { DEFAULT_COMMISSION, type SimulationConfig } from '@hindsight/engine';
import { parseNumber } from './parse-options.js';

/** The options of a simulation run on this machine (`run`, `sweep`), as parseArgs reads them. */
export const SIMULATION_OPTIONS = {
  cash: { type: 'string' },
  commission: { type: 'string' },
  'commission-fixed': { type: 'string' },
  'slippage-bps': { type: 'string' },
  fill: { type: 'string' },
  fractional: { type: 'boolean' },
  fraction: { type: 'string' },
  'stop-loss': { type: 'string' },
  'take-profit': { type: 'string' },
  'finalize-trades': { type: 'boolean' },
  conventions: { type: 'string' },
} as const;

export const SIMULATION_USAGE = `  --cash N              starting cash (default 100000)
  --commission F        fraction of notional per fill (default ${DEFAULT_COMMISSION}, as in the api; 0 for none)
  --commission-fixed N  fixed fee per order (default 0)
  --slippage-bps N      adverse fill slippage in basis points (default 0)
  --fill MODE           next_open (default) or close
  --fractional          fractional units instead of whole units
  --fraction F          share of equity per entry, (0, 1] (default 1)
  --stop-loss PCT       close a trade after it loses PCT percent
  --take-profit PCT     close a trade after it gains PCT percent
  --finalize-trades     close open trades at the end of the data
  --conventions NAME    hindsight (default) or backtesting.py`;

type SimulationValues = {
  [K in keyof typeof SIMULATION_OPTIONS]?: (typeof SIMULATION_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

/** The simulation the options describe; defaults as the api's. */
export function simulationFrom(values: SimulationValues): SimulationConfig {
  return {
    cash: parseNumber('--cash', values.cash, 100_000),
    commission: parseNumber('--commission', values.commission, DEFAULT_COMMISSION),
    commissionFixed: parseNumber('--commission-fixed', values['commission-fixed'], 0),
    slippageBps: parseNumber('--slippage-bps', values['slippage-bps'], 0),
    sizing: {
      mode: 'fraction',
      fraction: parseNumber('--fraction', values.fraction, 1),
      wholeUnits: !values.fractional,
    },
    fill: (values.fill ?? 'next_open') as SimulationConfig['fill'],
    finalizeTrades: values['finalize-trades'] ?? false,
    stopLossPct:
      values['stop-loss'] === undefined ? null : parseNumber('--stop-loss', values['stop-loss'], 0),
    takeProfitPct:
      values['take-profit'] === undefined
        ? null
        : parseNumber('--take-profit', values['take-profit'], 0),
    conventions: (values.conventions ?? 'hindsight') as SimulationConfig['conventions'],
  };
}
