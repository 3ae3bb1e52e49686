/**
 * Keys this process wrote or found in Redis lately, remembered for a while so a busy path need
 * not ask (or write) again: for facts that may go stale harmlessly within `ttlMs`. Bounded: past
 * `max` keys the memory starts over.
 */
export class RecentKeys {
  /** Key -> Date.now() until which it counts as known. */
  readonly #until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  has(key: string): boolean {
    return (this.#until.get(key) ?? 0) > Date.now();
  }

  add(...keys: string[]): void {
    if (this.#until.size + keys.length > this.max) this.#until.clear();
    const until = Date.now() + this.ttlMs;
    for (const key of keys) this.#until.set(key, until);
  }
}
