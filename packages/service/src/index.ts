// The CLI reaches the store, and the api's reading of dates, through this package (it has no
// dependency on @hindsight/models).
export {
  API_KEY_TIERS,
  type ApiKeyTier,
  type BacktestEvent,
  type BacktestRecord,
  createStore,
  endBound,
  exportLines,
  type ImportResult,
  importLines,
  parseIsoInstant,
  type Store,
  type TransferCounts,
  TransferError,
} from '@hindsight/models';
export * from './api-key.js';
export * from './artifacts.js';
export * from './bars-cached.js';
export * from './cancel-channel.js';
export * from './cleanup.js';
export * from './config.js';
export * from './disk-usage.js';
export { engineVersion } from './engine-version.js';
export * from './event-hub.js';
export * from './event-publisher.js';
export * from './keys.js';
export * from './lifecycle.js';
export * from './logger.js';
export * from './queues.js';
export * from './redis.js';
export * from './redis-url.js';
