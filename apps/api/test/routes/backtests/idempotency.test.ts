import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  type ErrorJson,
  KEYS,
  listenLocally,
  startTestApp,
  submitBody,
  type TestApp,
} from '../../support.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await listenLocally(t.app);
});
afterAll(async () => {
  await t?.close();
});

interface Accepted {
  id: string;
  status: string;
  queuePosition: number | null;
  estimatedWaitSeconds: number | null;
}

async function submit(key: string, body: Record<string, unknown>) {
  const response = await fetch(`${base}/api/v1/backtests`, {
    method: 'POST',
    headers: { ...bearer(KEYS.bob), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Accepted & ErrorJson };
}

describe('Idempotency-Key', () => {
  it.each([
    ['name', { name: 'another name' }],
    ['tags', { tags: ['other'] }],
    ['cache', { cache: false }],
  ])(
    'answers the same key with a different %s 422 HS_ERR_IDEMPOTENCY_MISMATCH',
    async (field, change) => {
      const key = `labels-${field}`;
      expect((await submit(key, submitBody({ tags: ['a'] }))).status).toBe(202);
      const other = await submit(key, submitBody({ tags: ['a'], ...change }));
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('HS_ERR_IDEMPOTENCY_MISMATCH');
    },
  );

  it('replays a backtest that has finished with its current status, not queued', async () => {
    const first = await submit('replay-after-cancel', submitBody());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'queued' });
    const cancel = await fetch(`${base}/api/v1/backtests/${first.body.id}/cancel`, {
      method: 'POST',
      headers: bearer(KEYS.bob),
    });
    expect(cancel.status).toBe(200);

    const replay = await submit('replay-after-cancel', submitBody());
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      id: first.body.id,
      status: 'cancelled',
      queuePosition: null,
      estimatedWaitSeconds: null,
    });
  });

  it('replays a backtest still waiting with its first answer', async () => {
    const first = await submit('replay-queued', submitBody());
    const replay = await submit('replay-queued', submitBody());
    expect(replay.body).toEqual(first.body);
  });
});
