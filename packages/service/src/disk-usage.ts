import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { taskDir } from './artifacts.js';
import { redisKeys } from './keys.js';

/**
 * The bytes each user's result files take, kept in Redis (one hash per user: backtest id ->
 * bytes) so a submit can be refused over the tier's disk limit without walking DATA_ROOT. The
 * worker adds a result when it writes one, DELETE removes it; results removed behind its back
 * (`hindsight cleanup`, a cancelled write) are dropped when the sum would refuse a submit.
 */
export class DiskUsage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly dataRoot: string,
  ) {}

  #key(ownerId: string): string {
    return redisKeys.userDisk(this.prefix, ownerId);
  }

  /** Bytes of the files in a backtest's result directory; 0 if there is none. */
  async #bytesOf(backtestId: string): Promise<number> {
    const dir = taskDir(this.dataRoot, backtestId);
    try {
      const names = await readdir(dir);
      const sizes = await Promise.all(
        names.map(async (name) => (await stat(join(dir, name))).size),
      );
      return sizes.reduce((sum, size) => sum + size, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  /** Counts a result just written, of `bytes` (writeTaskArtifacts says how many). */
  async record(ownerId: string, backtestId: string, bytes: number): Promise<void> {
    await this.redis.hset(this.#key(ownerId), backtestId, bytes);
  }

  async forget(ownerId: string, backtestId: string): Promise<void> {
    await this.redis.hdel(this.#key(ownerId), backtestId);
  }

  /**
   * The bytes `ownerId`'s results take. Only when the recorded sum exceeds `atMost` is every
   * entry checked against the disk (one stat per result), so the common submit costs one read.
   */
  async used(ownerId: string, atMost: number): Promise<number> {
    const entries = await this.redis.hgetall(this.#key(ownerId));
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const recorded = sum(Object.values(entries).map(Number));
    if (recorded <= atMost) return recorded;
    const actual = await Promise.all(
      Object.keys(entries).map(async (id) => [id, await this.#bytesOf(id)] as const),
    );
    const gone = actual.filter(([, bytes]) => bytes === 0).map(([id]) => id);
    if (gone.length > 0) await this.redis.hdel(this.#key(ownerId), ...gone);
    return sum(actual.map(([, bytes]) => bytes));
  }
}
