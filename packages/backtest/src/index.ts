export { type BacktestInput, type BacktestOutput, runBacktest } from './run-backtest.js';
