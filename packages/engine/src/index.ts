export * from './bars.js';
export * from './indicators/index.js';
export * from './market.js';
export * from './schema-check.js';
export * from './signals.js';
export * from './simulator/index.js';
export * from './strategies/index.js';
