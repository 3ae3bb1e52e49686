export {
  checkWalkForward,
  runWalkForward,
  runWindow,
  WALK_FORWARD_EQUITY_POINTS,
  WalkForwardError,
  type WalkForwardInput,
  walkForwardEfficiency,
} from './walk-forward.js';
export {
  type BarWindow,
  type WalkForwardFold,
  type WalkForwardWindows,
  walkForwardWindows,
} from './windows.js';
