export {
  runWalkForward,
  runWindow,
  WALK_FORWARD_EQUITY_POINTS,
  WalkForwardError,
  type WalkForwardFoldReport,
  type WalkForwardInput,
  type WalkForwardReport,
  type WindowReport,
  walkForwardEfficiency,
} from './walk-forward.js';
export {
  type BarWindow,
  type WalkForwardFold,
  type WalkForwardSpec,
  type WalkForwardWindows,
  walkForwardWindows,
} from './windows.js';
