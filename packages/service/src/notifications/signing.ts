import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** Standard Webhooks asks for 24 to 64 bytes of key; 32 is HMAC-SHA256's block-safe choice. */
const SECRET_BYTES = 32;

/** A new signing secret as Standard Webhooks writes one: `whsec_` + base64 of random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The `webhook-signature` header of one message (Standard Webhooks, v1): base64 of
 * HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret's decoded
 * bytes. `timestampSeconds` is the `webhook-timestamp` header's value.
 */
export function signWebhook(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  const mac = createHmac('sha256', key)
    .update(`${messageId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}
