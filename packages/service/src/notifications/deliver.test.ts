import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from './deliver.js';
import { generateWebhookSecret } from './signing.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that answers each path as `routes` says. */
let server: Server;
let base: string;
const received: Received[] = [];
const routes: Record<string, (response: ServerResponse) => void> = {
  '/ok': (response) => response.writeHead(204).end(),
  '/error': (response) => response.writeHead(503).end('down'),
  '/redirect': (response) => response.writeHead(302, { location: `${base}/ok` }).end(),
  '/silent': () => undefined,
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      routes[request.url ?? '']?.(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const allowLocal = { allowedHosts: ['127.0.0.1'] };

describe('sendWebhook', () => {
  it('posts the body signed as Standard Webhooks asks, verifiable with the secret', async () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'backtest.completed', data: { id: 'x' } });
    const outcome = await sendWebhook(
      { url: `${base}/ok`, secret, messageId: 'msg_one', body },
      allowLocal,
    );
    expect(outcome).toMatchObject({ ok: true, statusCode: 204, error: null });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    const request = received.at(-1)!;
    expect(request).toMatchObject({ path: '/ok', body });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe('msg_one');
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    expect(new Webhook(secret).verify(request.body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(request.body, headers)).toThrow();
  });

  it('fails an attempt on a non-2xx answer, naming the status', async () => {
    const outcome = await sendWebhook(
      { url: `${base}/error`, secret: generateWebhookSecret(), messageId: 'm', body: '{}' },
      allowLocal,
    );
    expect(outcome).toMatchObject({
      ok: false,
      statusCode: 503,
      error: 'the receiver answered 503',
    });
  });

  it('does not follow a redirect', async () => {
    const before = received.length;
    const outcome = await sendWebhook(
      { url: `${base}/redirect`, secret: generateWebhookSecret(), messageId: 'm', body: '{}' },
      allowLocal,
    );
    expect(outcome).toMatchObject({ ok: false, statusCode: 302 });
    expect(received.slice(before).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const outcome = await sendWebhook(
      { url: `${base}/silent`, secret: generateWebhookSecret(), messageId: 'm', body: '{}' },
      { ...allowLocal, timeoutMs: 300 },
    );
    expect(outcome).toMatchObject({ ok: false, statusCode: null });
    expect(outcome.error).toContain('no answer within 0.3 s');
  });

  it('checks the address again at delivery: a loopback receiver not allowed is not contacted', async () => {
    const before = received.length;
    const outcome = await sendWebhook(
      { url: `${base}/ok`, secret: generateWebhookSecret(), messageId: 'm', body: '{}' },
      { allowedHosts: [] },
    );
    expect(outcome).toMatchObject({ ok: false, statusCode: null });
    expect(outcome.error).toContain('loopback');
    expect(received.length).toBe(before);
  });

  it('reports a refused connection as the attempt error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sendWebhook(
      {
        url: `http://127.0.0.1:${port}/`,
        secret: generateWebhookSecret(),
        messageId: 'm',
        body: '{}',
      },
      allowLocal,
    );
    expect(outcome).toMatchObject({ ok: false, statusCode: null });
    expect(outcome.error).toContain('ECONNREFUSED');
  });
});
