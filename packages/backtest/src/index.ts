export {
  engineErrorCode,
  engineRefusal,
  type PreparedBacktest,
  type PrepareOptions,
  prepareBacktest,
} from './prepare.js';
export {
  type BacktestInput,
  type BacktestOutput,
  type PreparedSymbol,
  runBacktest,
  runColumns,
  runPrepared,
} from './run-backtest.js';
export * from './sweep/index.js';
