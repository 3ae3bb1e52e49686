export type { StrategyDefinition } from './types.js';
