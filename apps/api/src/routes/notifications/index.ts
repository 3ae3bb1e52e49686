import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateWebhookBody,
  MAX_DELIVERY_PAGE_SIZE,
  NotificationSettings,
  NotificationSettingsBody,
  WebhookCreated,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookList,
} from '@hindsight/models';
import Type from 'typebox';
import { principalOf } from '../../plugins/app/auth.js';
import { errorResponses } from '../../schemas/error-responses.js';

const WebhookIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const DeliveriesQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: MAX_DELIVERY_PAGE_SIZE, default: 50 }) },
  { additionalProperties: false },
);

const notifications: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/webhooks',
    {
      schema: {
        operationId: 'createWebhook',
        tags: ['notifications'],
        summary: 'Subscribe a URL to events; the answer holds the signing secret, shown only once',
        body: CreateWebhookBody,
        response: { 201: WebhookCreated, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return fastify.notifications.createWebhook(principalOf(request), request.body);
    },
  );

  fastify.get(
    '/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        tags: ['notifications'],
        summary: 'Your webhook subscriptions, oldest first (without their secrets)',
        response: { 200: WebhookList, ...errorResponses() },
      },
    },
    async (request) => ({ items: await fastify.notifications.listWebhooks(principalOf(request)) }),
  );

  fastify.delete(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'deleteWebhook',
        tags: ['notifications'],
        summary: 'Delete a subscription and its delivery history',
        params: WebhookIdParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await fastify.notifications.deleteWebhook(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  fastify.post(
    '/webhooks/:id/test',
    {
      schema: {
        operationId: 'testWebhook',
        tags: ['notifications'],
        summary: 'Send a signed webhook.test message now; the attempt as recorded',
        params: WebhookIdParams,
        response: { 200: WebhookDelivery, ...errorResponses(404) },
      },
    },
    async (request) => fastify.notifications.testWebhook(principalOf(request), request.params.id),
  );

  fastify.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['notifications'],
        summary: 'Delivery attempts of a subscription, newest first',
        params: WebhookIdParams,
        querystring: DeliveriesQuery,
        response: {
          200: WebhookDeliveryList,
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => ({
      items: await fastify.notifications.deliveries(
        principalOf(request),
        request.params.id,
        request.query.limit,
      ),
    }),
  );

  fastify.get(
    '/notification-settings',
    {
      schema: {
        operationId: 'getNotificationSettings',
        tags: ['notifications'],
        summary: 'Your e-mail notification settings',
        response: { 200: NotificationSettings, ...errorResponses() },
      },
    },
    async (request) => fastify.notifications.getSettings(principalOf(request)),
  );

  fastify.put(
    '/notification-settings',
    {
      schema: {
        operationId: 'putNotificationSettings',
        tags: ['notifications'],
        summary: 'Set where e-mail notifications go and for which events (email null: none)',
        body: NotificationSettingsBody,
        response: { 200: NotificationSettings, ...errorResponses(400) },
      },
    },
    async (request) => fastify.notifications.putSettings(principalOf(request), request.body),
  );
};

export default notifications;
