import { StatsConventionsSchema, StatsSchema } from '@hindsight/metrics';
import {
  BacktestRequest,
  CreateWebhookBody,
  ErrorBody,
  ExecutionLogLine,
  NotificationSettings,
  NotificationSettingsBody,
  PerformanceStats,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookList,
} from '@hindsight/models';
import { BacktestLinks, BacktestView, BacktestViewPage, SubmitAccepted } from './backtest-view.js';
import { CompareRequest, CompareResponse } from './compare.js';
import { EquityBody, LogsPage, ResultBody, TradeBody, TradesBody } from './result.js';

/**
 * The schemas the OpenAPI document names under `components.schemas`, so a code generator makes
 * one type of each (`BacktestView`, not `GetBacktestResponse200`) and shares it between routes.
 * Routes keep using the schema objects themselves; swagger.ts swaps them for `$ref`s by identity.
 */
const NAMED_SCHEMAS = {
  BacktestRequest,
  SubmitAccepted,
  BacktestLinks,
  BacktestView,
  BacktestViewPage,
  ResultBody,
  Stats: StatsSchema,
  StatsConventions: StatsConventionsSchema,
  Trade: TradeBody,
  TradesBody,
  EquityBody,
  LogLine: ExecutionLogLine,
  LogsPage,
  CompareRequest,
  CompareResponse,
  PerformanceStats,
  CreateWebhookBody,
  Webhook,
  WebhookCreated,
  WebhookList,
  WebhookDelivery,
  WebhookDeliveryList,
  NotificationSettingsBody,
  NotificationSettings,
  ErrorResponse: ErrorBody,
} as const;

const SCHEMAS_PATH = '#/components/schemas/';
const nameOf = new Map<unknown, string>(
  Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]),
);

/**
 * A copy of `node` in which every named schema (other than `self`) is a `$ref` to its component;
 * the schema objects themselves are left alone, as fastify validates and serialises with them.
 */
export function withRefs(node: unknown, self?: unknown): unknown {
  if (node !== self && nameOf.has(node)) return { $ref: `${SCHEMAS_PATH}${nameOf.get(node)}` };
  if (Array.isArray(node)) return node.map((item) => withRefs(item));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withRefs(value)]));
}

/** `components.schemas`: each named schema, with the named schemas inside it as `$ref`s. */
export function componentSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, withRefs(schema, schema)]),
  );
}
