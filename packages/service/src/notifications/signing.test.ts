import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from './signing.js';

describe('Standard Webhooks signatures', () => {
  it('match the vector of the standard-webhooks JavaScript library ("test sign function")', () => {
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('are what the standardwebhooks package signs and verifies, for fresh secrets and bodies', () => {
    for (let i = 0; i < 20; i++) {
      const secret = generateWebhookSecret();
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const timestamp = Math.floor(Date.now() / 1000) - i;
      const body = JSON.stringify({ type: 'backtest.completed', n: i, text: 'é"\n' });
      const signature = signWebhook(secret, id, timestamp, body);
      const reference = new Webhook(secret);
      expect(signature).toBe(reference.sign(id, new Date(timestamp * 1000), body));
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      };
      expect(reference.verify(body, headers)).toEqual(JSON.parse(body));
      expect(() => reference.verify(`${body} `, headers), 'a changed body fails').toThrow();
    }
  });

  it('secrets are whsec_ + base64 of 32 random bytes, never the same twice', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
