import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backtestJobIds, type WebhookCreated, type WebhookDelivery } from '@hindsight/models';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  type ErrorJson,
  KEYS,
  startTestApp,
  submitBody,
  type TestApp,
} from '../support.js';

/** A real receiver on 127.0.0.1 (allowed through WEBHOOK_ALLOWED_HOSTS) for the test endpoint. */
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let t: TestApp;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', QUOTA_ACTIVE_FREE: '20' });
});
afterAll(async () => {
  await t?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function create(key: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: bearer(key),
    payload: body,
  });
}

async function createOk(key: string, events = ['backtest.completed']): Promise<WebhookCreated> {
  const response = await create(key, { url: receiverUrl, events, description: 'ci' });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe('POST /webhooks', () => {
  it('creates a subscription and shows its secret this once', async () => {
    const hook = await createOk(KEYS.alice);
    expect(hook).toMatchObject({
      url: receiverUrl,
      events: ['backtest.completed'],
      description: 'ci',
      enabled: true,
      disabledReason: null,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(hook.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const list = await t.app.inject({ url: '/api/v1/webhooks', headers: bearer(KEYS.alice) });
    const listed = list.json().items.find((item: { id: string }) => item.id === hook.id);
    const { secret: _secret, ...view } = hook;
    expect(listed).toEqual(view);
    expect(list.body).not.toContain(hook.secret);
  });

  it.each([
    'http://127.0.0.2/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://localhost/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::]/',
    'http://224.0.0.1/',
    'gopher://example.com/',
  ])('refuses %s with HS_ERR_WEBHOOK_URL', async (url) => {
    const response = await create(KEYS.alice, { url, events: ['backtest.completed'] });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('HS_ERR_WEBHOOK_URL');
  });

  it.each([
    [{ url: 'https://example.com/', events: [] }, '/events'],
    [{ url: 'https://example.com/', events: ['backtest.exploded'] }, '/events/0'],
    [{ url: 'https://example.com/', events: ['backtest.failed', 'backtest.failed'] }, '/events'],
    [{ events: ['backtest.failed'] }, '/url'],
    [{ url: 'https://example.com/', events: ['backtest.failed'], extra: 1 }, ''],
  ])('refuses a bad body %j with HS_ERR_VALIDATION', async (body, path) => {
    const response = await create(KEYS.alice, body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('HS_ERR_VALIDATION');
    expect(response.body).toContain(path);
  });

  it('refuses a subscription past the limit per user', async () => {
    const key = KEYS.admin;
    for (let i = 0; i < 20; i++) await createOk(key);
    const response = await create(key, { url: receiverUrl, events: ['backtest.failed'] });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error).toMatchObject({ code: 'HS_ERR_TOO_MANY_WEBHOOKS' });
  });
});

describe('another user', () => {
  it('sees none of them: list, delete, test and deliveries answer as if they did not exist', async () => {
    const hook = await createOk(KEYS.alice);
    const list = await t.app.inject({ url: '/api/v1/webhooks', headers: bearer(KEYS.bob) });
    expect(list.json().items).toEqual([]);
    for (const [method, url] of [
      ['DELETE', `/api/v1/webhooks/${hook.id}`],
      ['POST', `/api/v1/webhooks/${hook.id}/test`],
      ['GET', `/api/v1/webhooks/${hook.id}/deliveries`],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: bearer(KEYS.bob) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json<ErrorJson>().error.code).toBe('HS_ERR_WEBHOOK_NOT_FOUND');
    }
    const still = await t.app.inject({ url: '/api/v1/webhooks', headers: bearer(KEYS.alice) });
    expect(still.json().items.map((item: { id: string }) => item.id)).toContain(hook.id);
  });
});

describe('POST /webhooks/:id/test and GET .../deliveries', () => {
  it('sends a signed webhook.test now and lists the attempt', async () => {
    const hook = await createOk(KEYS.bob);
    const before = received.length;
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/test`,
      headers: bearer(KEYS.bob),
    });
    expect(response.statusCode, response.body).toBe(200);
    const attempt = response.json<WebhookDelivery>();
    expect(attempt).toMatchObject({ ok: true, statusCode: 200, error: null, attempt: 1 });
    expect(attempt).toMatchObject({ event: 'webhook.test', backtestId: null });
    const request = received[before]!;
    const payload = new Webhook(hook.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(payload).toMatchObject({ type: 'webhook.test', data: { webhookId: hook.id } });
    expect(request.headers['webhook-id']).toBe(attempt.messageId);
    const deliveries = await t.app.inject({
      url: `/api/v1/webhooks/${hook.id}/deliveries?limit=10`,
      headers: bearer(KEYS.bob),
    });
    expect(deliveries.json().items).toEqual([attempt]);
    const bad = await t.app.inject({
      url: `/api/v1/webhooks/${hook.id}/deliveries?limit=0`,
      headers: bearer(KEYS.bob),
    });
    expect(bad.json<ErrorJson>().error.code).toBe('HS_ERR_VALIDATION');
  });

  it('DELETE removes the subscription; it is then gone', async () => {
    const hook = await createOk(KEYS.bob);
    const url = `/api/v1/webhooks/${hook.id}`;
    const gone = await t.app.inject({ method: 'DELETE', url, headers: bearer(KEYS.bob) });
    expect(gone.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url, headers: bearer(KEYS.bob) });
    expect(again.statusCode).toBe(404);
  });
});

describe('notification jobs at the terminal transition', () => {
  /** Submits as alice and cancels while queued: the api's own lifecycle ends it. */
  async function cancelledBacktest(): Promise<string> {
    const submitted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: bearer(KEYS.alice),
      payload: submitBody(),
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const id = submitted.json().id as string;
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/backtests/${id}/cancel`,
      headers: bearer(KEYS.alice),
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    return id;
  }

  it('adds a delivery only for an owner subscribed to the event', async () => {
    const queue = t.app.queues.queues.notifications;
    const unheard = await cancelledBacktest();
    const jobsOf = async (id: string) =>
      (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']))
        .filter((job) => (job.data as { backtestId?: string }).backtestId === id)
        .map((job) => job.name)
        .sort();
    expect(await jobsOf(unheard), 'no subscription to backtest.cancelled: no delivery').toEqual([
      'backtest-finished',
    ]);
    const hook = await createOk(KEYS.alice, ['backtest.cancelled']);
    const heard = await cancelledBacktest();
    expect(await jobsOf(heard)).toEqual(['backtest-finished', 'deliver-webhook']);
    const delivery = await queue.getJob(backtestJobIds.webhook(heard, hook.id));
    expect(delivery?.data).toEqual({
      backtestId: heard,
      webhookId: hook.id,
      event: 'backtest.cancelled',
    });
  });
});

describe('PUT /notification-settings', () => {
  it('refuses an e-mail address when the server has no SMTP server', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/notification-settings',
      headers: bearer(KEYS.alice),
      payload: { email: 'alice@example.com', events: ['backtest.completed'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('HS_ERR_EMAIL_UNAVAILABLE');
  });

  it('refuses what is not an e-mail address', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/notification-settings',
      headers: bearer(KEYS.alice),
      payload: { email: 'not-an-address', events: [] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('HS_ERR_VALIDATION');
  });

  it('stores no e-mail (null), and reads the settings back', async () => {
    const empty = await t.app.inject({
      url: '/api/v1/notification-settings',
      headers: bearer(KEYS.bob),
    });
    expect(empty.json()).toEqual({ email: null, events: [], updatedAt: null });
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/notification-settings',
      headers: bearer(KEYS.bob),
      payload: { email: null, events: ['backtest.failed'] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const got = await t.app.inject({
      url: '/api/v1/notification-settings',
      headers: bearer(KEYS.bob),
    });
    expect(got.json()).toEqual(put.json());
    expect(got.json()).toMatchObject({ email: null, events: ['backtest.failed'] });
  });
});
