import Type, { type Static } from 'typebox';
import { Limit, Page, StringEnum } from './common.js';

export const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;
export const DELAY_UNITS = ['Second', 'Minute', 'Hour', 'Day'] as const;

/** GenAuth's WebhookRetryConfigV3Dto; the range of count and delay is checked in the service. */
export const RetryConfig = Type.Object({
  enabled: Type.Boolean(),
  count: Type.Optional(Type.Integer()),
  delay: Type.Optional(Type.Integer()),
  delayUnit: Type.Optional(StringEnum(DELAY_UNITS)),
}, { $id: 'WebhookRetryConfig' });

// url and events are plain strings here so that the service answers with the reason (not an
// absolute http(s) URL; not in get-webhook-event-list) instead of a bare pattern failure.
const editable = {
  name: Type.String({ minLength: 1, maxLength: 256 }),
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  contentType: StringEnum(CONTENT_TYPES),
  events: Type.Array(Type.String(), { minItems: 1, maxItems: 200 }),
  enabled: Type.Optional(Type.Boolean()),
  // Printable ASCII, so that "the secret's bytes" means the same thing to every receiver.
  secret: Type.Optional(Type.String({ minLength: 8, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' })),
  retryConfig: Type.Optional(RetryConfig),
};

export const CreateWebhookBody = Type.Object(editable);
export type CreateWebhookInput = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object({
  webhookId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Optional(editable.name),
  url: Type.Optional(editable.url),
  contentType: Type.Optional(editable.contentType),
  events: Type.Optional(editable.events),
  enabled: editable.enabled,
  secret: editable.secret,
  retryConfig: editable.retryConfig,
});
export type UpdateWebhookInput = Static<typeof UpdateWebhookBody>;

export const DeleteWebhookBody = Type.Object({ webhookIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }) });
export const WebhookIdQuery = Type.Object({ webhookId: Type.String({ minLength: 1, maxLength: 64 }) });
export const ListWebhooksQuery = Type.Object({ page: Page, limit: Limit() });
export const ListWebhookLogsBody = Type.Object({ webhookId: Type.String({ minLength: 1, maxLength: 64 }), page: Page, limit: Limit() });
export const TriggerWebhookBody = Type.Object({
  webhookId: Type.String({ minLength: 1, maxLength: 64 }),
  requestHeaders: Type.Optional(Type.Record(Type.String(), Type.String())),
  requestBody: Type.Optional(Type.Any()),
});
export type TriggerWebhookInput = Static<typeof TriggerWebhookBody>;

export const Webhook = Type.Object({
  webhookId: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  name: Type.String(),
  url: Type.String(),
  contentType: StringEnum(CONTENT_TYPES),
  enabled: Type.Boolean(),
  events: Type.Array(Type.String()),
  secret: Type.Optional(Type.String()),
  retryConfig: RetryConfig,
}, { $id: 'Webhook' });
export type WebhookView = Static<typeof Webhook>;

export const WebhookLog = Type.Object({
  webhookId: Type.String(),
  eventName: Type.String(),
  /** Ours: the delivery (also the webhook-id header), the same on every retry. */
  deliveryId: Type.String(),
  requestBody: Type.Any(),
  requestHeaders: Type.Any(),
  responseStatusCode: Type.Integer(),
  responseHeaders: Type.Any(),
  responseBody: Type.Any(),
  timestamp: Type.String(),
  success: Type.Boolean(),
  errorMessage: Type.Optional(Type.String()),
}, { $id: 'WebhookLog' });
export type WebhookLogView = Static<typeof WebhookLog>;

export const WebhookEventList = Type.Object({
  categories: Type.Array(Type.Object({ name: Type.String(), nameEn: Type.String(), value: Type.String() })),
  events: Type.Array(Type.Object({ name: Type.String(), nameEn: Type.String(), value: Type.String(), category: Type.String() })),
});

export const TriggerResult = Type.Object({
  response: Type.Object({
    success: Type.Boolean(),
    statusCode: Type.Integer(),
    headers: Type.Any(),
    body: Type.Any(),
    errorMessage: Type.Optional(Type.String()),
    /** Ours: dead deliveries of this webhook queued to be sent again. */
    resentDeliveries: Type.Integer(),
  }),
});
