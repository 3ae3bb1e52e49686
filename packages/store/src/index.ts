export * from './create-store.js';
// Type only: mongoose loads when createStore is given a MongoDB URL, not on every import.
export type { MongoStore, MongoStoreOptions } from './mongo-store.js';
export * from './sqlite-store.js';
export * from './store.js';
export * from './transfer.js';
