import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenLocally, startTestApp, type TestApp } from '../../support.js';

let t: TestApp;
let doc: Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  t = await startTestApp();
  const base = await listenLocally(t.app);
  doc = (await (await fetch(`${base}/docs/json`)).json()) as typeof doc;
});
afterAll(async () => {
  await t?.close();
});

/** Every route of the REST table in docs/api.md ("Endpoints"), as OpenAPI writes its path. */
const ROUTES: Array<[string, string]> = [
  ['post', '/api/v1/backtests'],
  ['get', '/api/v1/backtests'],
  ['get', '/api/v1/backtests/{id}'],
  ['get', '/api/v1/backtests/{id}/result'],
  ['get', '/api/v1/backtests/{id}/trades'],
  ['get', '/api/v1/backtests/{id}/equity'],
  ['get', '/api/v1/backtests/{id}/logs'],
  ['post', '/api/v1/backtests/{id}/cancel'],
  ['post', '/api/v1/backtests/{id}/rerun'],
  ['delete', '/api/v1/backtests/{id}'],
  ['post', '/api/v1/backtests/compare'],
  ['get', '/api/v1/analytics/performance-stats'],
  ['get', '/api/v1/strategies'],
  ['get', '/api/v1/market-data/symbols'],
  ['get', '/api/v1/market-data/{symbol}/bars'],
  ['get', '/api/v1/queue'],
  ['post', '/api/v1/webhooks'],
  ['get', '/api/v1/webhooks'],
  ['delete', '/api/v1/webhooks/{id}'],
  ['post', '/api/v1/webhooks/{id}/test'],
  ['get', '/api/v1/webhooks/{id}/deliveries'],
  ['get', '/api/v1/notification-settings'],
  ['put', '/api/v1/notification-settings'],
  ['post', '/api/v1/sweeps'],
  ['get', '/api/v1/sweeps'],
  ['get', '/api/v1/sweeps/{id}'],
  ['get', '/api/v1/sweeps/{id}/results'],
  ['post', '/api/v1/sweeps/{id}/cancel'],
  ['post', '/api/v1/sweeps/{id}/promote'],
  ['delete', '/api/v1/sweeps/{id}'],
  ['get', '/health'],
  ['get', '/ready'],
  ['get', '/ws/backtest/{id}'],
  ['get', '/ws/sweep/{id}'],
];

function collectRefs(node: unknown, out: string[]): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
}

describe('/docs', () => {
  it('serves Swagger UI', async () => {
    const page = await t.app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
  });

  it('/docs/json is an OpenAPI 3.1 document with every route, tagged, with responses', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Hindsight API' });
    for (const [method, path] of ROUTES) {
      const operation = doc.paths[path]?.[method] as
        | { tags?: string[]; responses?: Record<string, unknown> }
        | undefined;
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(operation?.tags?.length, `${method} ${path} has a tag`).toBeGreaterThan(0);
      if (!path.startsWith('/ws/')) {
        expect(Object.keys(operation?.responses ?? {}).length, `${path} responses`).toBeGreaterThan(
          0,
        );
      }
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = collectRefs(doc, []);
    for (const ref of refs) expect(resolvePointer(doc, ref), ref).toBeDefined();
  });

  it('declares bearer auth, and none on the public routes', () => {
    expect(doc.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    });
    expect((doc.paths['/health']?.get as { security?: unknown } | undefined)?.security).toEqual([]);
  });

  it('keeps to the OpenAPI 3.1 shapes a validator checks: paths, operations, responses', () => {
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(methods.has(method), `${path} ${method}`).toBe(true);
        const { responses, parameters = [] } = operation as {
          responses: Record<string, { description?: unknown }>;
          parameters?: Array<{ in: string; name: string; required?: boolean }>;
        };
        for (const [status, response] of Object.entries(responses ?? {})) {
          expect(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${path} ${status}`).toBe(true);
          expect(typeof response.description, `${path} ${status} description`).toBe('string');
        }
        for (const parameter of parameters) {
          expect(['query', 'header', 'path', 'cookie']).toContain(parameter.in);
          if (parameter.in === 'path') expect(parameter.required, parameter.name).toBe(true);
        }
      }
    }
  });

  it('is a valid OpenAPI 3.1 document to a real validator', async () => {
    // validate() mutates what it is given (it dereferences), so it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const { operationId } = operation as { operationId?: string };
        expect(operationId, `${method.toUpperCase()} ${path}`).toMatch(/^[a-z][a-zA-Z0-9]*$/);
        ids.push(operationId ?? '');
      }
    }
    expect(ids.length).toBe(ROUTES.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refers to the named schemas of the bodies instead of repeating them', () => {
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    for (const name of [
      'BacktestRequest',
      'BacktestView',
      'SubmitAccepted',
      'ResultBody',
      'Stats',
      'TradesBody',
      'EquityBody',
      'CompareRequest',
      'CompareResponse',
      'ErrorResponse',
      'CreateWebhookBody',
      'WebhookCreated',
      'WebhookDeliveryList',
      'NotificationSettingsBody',
    ]) {
      expect(schemas[name], name).toBeDefined();
    }
    type Operation = {
      requestBody?: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    const op = (path: string, method: string) => doc.paths[path]?.[method] as Operation;
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const submit = op('/api/v1/backtests', 'post');
    expect(submit.requestBody?.content['application/json']?.schema).toEqual(ref('BacktestRequest'));
    expect(submit.responses['202']?.content?.['application/json']?.schema).toEqual(
      ref('SubmitAccepted'),
    );
    expect(submit.responses['400']?.content?.['application/json']?.schema).toEqual(
      ref('ErrorResponse'),
    );
    const result = op('/api/v1/backtests/{id}/result', 'get');
    expect(result.responses['200']?.content?.['application/json']?.schema).toEqual(
      ref('ResultBody'),
    );
    expect(
      (schemas.ResultBody as { properties: Record<string, unknown> }).properties.stats,
    ).toEqual(ref('Stats'));
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const notFound = op('/api/v1/backtests/{id}', 'get').responses['404'] as {
      description?: string;
    };
    expect(notFound.description, 'a status text, not "Default Response"').toBe('Not Found');
  });
});
