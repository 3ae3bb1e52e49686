import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Set: MongoDB through mongoose. Unset: the embedded SQLite file. */
  mongodbUrl?: string | undefined;
  /** SQLite lives at `<dataRoot>/hindsight.sqlite`. */
  dataRoot: string;
}

export const SQLITE_FILE_NAME = 'hindsight.sqlite';

export async function createStore(config: StoreConfig): Promise<Store> {
  if (config.mongodbUrl) {
    // Loaded only when asked for: mongoose is a large import the embedded setup never needs.
    const { MongoStore } = await import('./mongo-store.js');
    return MongoStore.connect(config.mongodbUrl);
  }
  mkdirSync(config.dataRoot, { recursive: true });
  return SqliteStore.open(join(config.dataRoot, SQLITE_FILE_NAME));
}
