import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import * as webhooks from '../services/webhooks.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  CreateWebhookBody, DeleteWebhookBody, ListWebhookLogsBody, ListWebhooksQuery, TriggerResult, TriggerWebhookBody, UpdateWebhookBody, Webhook,
  WebhookEventList, WebhookIdQuery, WebhookLog,
} from '../schemas/webhooks.js';

const tags = ['webhooks'];

export function registerWebhookRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-webhook', audit: 'write', summary: 'Create a webhook (answers its secret)', tags, body: CreateWebhookBody, data: Webhook,
    handler: async ({ body, scope }) => webhooks.createWebhook(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-webhook', audit: 'write', summary: 'Update a webhook; pending deliveries follow a new URL', tags, body: UpdateWebhookBody, data: Webhook,
    handler: async ({ body, scope }) => webhooks.updateWebhook(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-webhook', audit: 'write', summary: 'Delete webhooks with their pending deliveries and logs', tags, body: DeleteWebhookBody, data: Success,
    handler: async ({ body, scope }) => webhooks.deleteWebhooks(scope, body.webhookIds),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-webhook', audit: 'read', summary: 'Get a webhook with its secret', tags, querystring: WebhookIdQuery, data: Webhook,
    handler: async ({ query, scope }) => webhooks.getWebhook(scope, query.webhookId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-webhooks', audit: 'read', summary: 'List webhooks (without secrets)', tags, querystring: ListWebhooksQuery, data: Paginated(Webhook),
    handler: async ({ query, scope }) => webhooks.listWebhooks(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-webhook-logs', audit: 'read', summary: 'Every delivery attempt of a webhook, newest first', tags, body: ListWebhookLogsBody, data: Paginated(WebhookLog),
    handler: async ({ body, scope }) => webhooks.getWebhookLogs(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/trigger-webhook', audit: 'write', summary: 'Send a test event now, and send dead deliveries again', tags, body: TriggerWebhookBody, data: TriggerResult,
    handler: async ({ body, scope }) => webhooks.triggerWebhook(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-webhook-event-list', audit: 'read', summary: 'The events a webhook can subscribe to', tags, data: WebhookEventList,
    handler: async () => webhooks.getWebhookEventList(),
  });
}
