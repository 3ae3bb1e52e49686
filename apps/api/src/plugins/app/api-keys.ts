import type { ApiKeyTier } from '@hindsight/models';
import { hashApiKey, newApiKey } from '@hindsight/service';
import type { Store } from '@hindsight/store';

// The hash lives in @hindsight/service so the CLI's `keys create` stores keys the same way.
export { hashApiKey, newApiKey };

/** Who a request acts for. */
export interface Principal {
  userId: string;
  tier: ApiKeyTier;
  admin: boolean;
  /** A short, non-secret name of the key (a prefix of its hash): what the rate limit counts. */
  keyId: string;
}

export interface ConfiguredKey {
  key: string;
  userId: string;
  tier: ApiKeyTier;
  admin: boolean;
}

const STORE_CACHE_MS = 30_000;
const STORE_CACHE_MAX = 10_000;

/**
 * Resolves API keys to principals: keys from API_KEYS first, then keys in the store (by the
 * SHA-256 of the key). A store hit is remembered for 30 s so a busy client costs one lookup per
 * half minute; a miss is not remembered, so a key created a moment ago works at once.
 */
export class ApiKeyResolver {
  readonly #configured = new Map<string, Principal>();
  readonly #cache = new Map<string, { principal: Principal; expires: number }>();

  constructor(
    private readonly store: Store,
    configured: readonly ConfiguredKey[],
  ) {
    for (const { key, userId, tier, admin } of configured) {
      const hash = hashApiKey(key);
      this.#configured.set(hash, { userId, tier, admin, keyId: hash.slice(0, 16) });
    }
  }

  get configuredCount(): number {
    return this.#configured.size;
  }

  async resolve(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const configured = this.#configured.get(hash);
    if (configured) return configured;
    const now = Date.now();
    const cached = this.#cache.get(hash);
    if (cached && cached.expires > now) return cached.principal;
    const record = await this.store.findApiKeyByHash(hash);
    if (!record) return null;
    const principal: Principal = {
      userId: record.userId,
      tier: record.tier,
      admin: record.admin,
      keyId: hash.slice(0, 16),
    };
    if (this.#cache.size >= STORE_CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, { principal, expires: now + STORE_CACHE_MS });
    return principal;
  }

  /**
   * With no key anywhere (none configured, none stored), makes an admin key and stores its hash;
   * returns the key - the only time it exists in clear - or null when keys exist already.
   */
  async bootstrapAdminKey(): Promise<string | null> {
    if (this.#configured.size > 0 || (await this.store.countApiKeys()) > 0) return null;
    const key = newApiKey();
    await this.store.createApiKey({
      keyHash: hashApiKey(key),
      userId: 'admin',
      tier: 'pro',
      admin: true,
    });
    return key;
  }
}
