export {
  checkWalkForward,
  runWalkForward,
  runWindow,
  scoreInSample,
  WALK_FORWARD_EQUITY_POINTS,
  WalkForwardError,
  type WalkForwardInput,
  walkForwardEfficiency,
  walkForwardReport,
} from './walk-forward.js';
export {
  type BarWindow,
  barsPerCombination,
  type WalkForwardFold,
  type WalkForwardWindows,
  walkForwardWindows,
} from './windows.js';
