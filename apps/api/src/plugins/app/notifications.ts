import {
  type CreateWebhookBody,
  createError,
  MAX_WEBHOOKS_PER_USER,
  type NotificationSettings,
  type NotificationSettingsBody,
  newId,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookRecord,
} from '@hindsight/models';
import {
  type Config,
  generateWebhookSecret,
  resolveWebhookAddress,
  sendWebhook,
} from '@hindsight/service';
import type { Store } from '@hindsight/store';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    notifications: NotificationService;
  }
}

function toView(record: WebhookRecord): Webhook {
  const { ownerId: _owner, secret: _secret, ...view } = record;
  return view;
}

/** The settings of a user who never put any: no e-mail. */
const NO_SETTINGS = { email: null, events: [], updatedAt: null };

/**
 * Webhook subscriptions and e-mail settings, per user: another user's subscription does not
 * exist (404). URLs are checked here as a delivery will check them again, so a refused address
 * is a 400 now rather than a failure later.
 */
export class NotificationService {
  constructor(private readonly deps: { store: Store; config: Config }) {}

  async createWebhook(principal: Principal, body: CreateWebhookBody): Promise<WebhookCreated> {
    // Stored as written: deliveries check the same text (WEBHOOK_ALLOWED_HOSTS matches it).
    await resolveWebhookAddress(body.url, this.deps.config.WEBHOOK_ALLOWED_HOSTS);
    const existing = await this.deps.store.listWebhooks(principal.userId);
    if (existing.length >= MAX_WEBHOOKS_PER_USER) {
      throw createError('HS_ERR_TOO_MANY_WEBHOOKS', {
        count: existing.length,
        max: MAX_WEBHOOKS_PER_USER,
      });
    }
    const record = await this.deps.store.createWebhook({
      ownerId: principal.userId,
      url: body.url,
      events: body.events,
      description: body.description ?? null,
      secret: generateWebhookSecret(),
    });
    return { ...toView(record), secret: record.secret };
  }

  async listWebhooks(principal: Principal): Promise<Webhook[]> {
    return (await this.deps.store.listWebhooks(principal.userId)).map(toView);
  }

  async #owned(principal: Principal, id: string): Promise<WebhookRecord> {
    const record = await this.deps.store.getWebhook(id);
    if (!record || record.ownerId !== principal.userId) {
      throw createError('HS_ERR_WEBHOOK_NOT_FOUND', { id });
    }
    return record;
  }

  async deleteWebhook(principal: Principal, id: string): Promise<void> {
    await this.#owned(principal, id);
    await this.deps.store.deleteWebhook(id);
  }

  /**
   * Sends a `webhook.test` message now, once, and records it with the others; the attempt says
   * how the receiver answered. A disabled subscription can be tested too, to check a fix.
   */
  async testWebhook(principal: Principal, id: string): Promise<WebhookDelivery> {
    const record = await this.#owned(principal, id);
    const messageId = `msg_test_${newId()}`;
    const body = JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { webhookId: record.id },
    });
    const outcome = await sendWebhook(
      { url: record.url, secret: record.secret, messageId, body },
      { allowedHosts: this.deps.config.WEBHOOK_ALLOWED_HOSTS },
    );
    return this.deps.store.recordWebhookDelivery({
      webhookId: record.id,
      messageId,
      event: 'webhook.test',
      backtestId: null,
      sweepId: null,
      attempt: 1,
      ...outcome,
    });
  }

  async deliveries(principal: Principal, id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.#owned(principal, id);
    return this.deps.store.listWebhookDeliveries(id, limit);
  }

  async getSettings(principal: Principal): Promise<NotificationSettings> {
    return (await this.deps.store.getNotificationSettings(principal.userId)) ?? NO_SETTINGS;
  }

  async putSettings(
    principal: Principal,
    body: NotificationSettingsBody,
  ): Promise<NotificationSettings> {
    if (body.email !== null && this.deps.config.SMTP_URL === undefined) {
      throw createError('HS_ERR_EMAIL_UNAVAILABLE', {
        reason: 'this server has no SMTP server configured (SMTP_URL)',
      });
    }
    return this.deps.store.putNotificationSettings(principal.userId, body);
  }
}

async function notifications(fastify: FastifyInstance) {
  fastify.decorate(
    'notifications',
    new NotificationService({ store: fastify.store, config: fastify.config }),
  );
}

export default fp(notifications, { name: 'notifications', dependencies: ['config', 'store'] });
