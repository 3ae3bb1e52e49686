export {
  comboAt,
  type GridValue,
  gridSize,
  planSweep,
  type RandomSearch,
  type SweepCombo,
  type SweepGrid,
  type SweepPlan,
  sampleIndices,
  sweepColumns,
} from './grid.js';
export {
  prepareSweepSymbols,
  runSweepChunk,
  SWEEP_PARTITIONS,
  type SweepCell,
  type SweepSymbols,
} from './run-chunk.js';
export {
  LEADERBOARD_SIZE,
  type LeaderboardEntry,
  rankCells,
  type SweepObjective,
  type SweepOverfitting,
  type SweepSummary,
  summarizeSweep,
} from './summarize.js';
export {
  defaultSweepThreads,
  runSweepThreads,
  runWalkForwardThreads,
  type SweepThreadData,
} from './threads.js';
export * from './walk-forward/index.js';
