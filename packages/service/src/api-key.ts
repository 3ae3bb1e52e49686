import { createHash, randomBytes } from 'node:crypto';

/**
 * How an API key is stored: its SHA-256, hex. The api looks keys up by this hash and the CLI's
 * `keys create` writes it, so both must use this one function.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new key: 32 random bytes, base64url, with a prefix that says what it is. */
export function newApiKey(): string {
  return `hs_${randomBytes(32).toString('base64url')}`;
}
