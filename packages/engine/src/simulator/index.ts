export { alignBars } from './align.js';
export {
  CheckpointFormatError,
  type CheckpointSeries,
  decodeCheckpointState,
  encodeCheckpointState,
  encodeTrades,
  TRADE_WIDTH,
} from './checkpoint.js';
export {
  SimulationConfigError,
  validateBacktestingPySymbolCount,
  validateSimulationConfig,
} from './config.js';
export { validateSimulationInputs } from './inputs.js';
export { simulate, simulationColumns } from './simulate.js';
export * from './types.js';
