/** Row types of webhooks, deliveries and their attempts (migration 0011). */
export interface WebhooksTable {
  id: string;
  pool_id: string;
  name: string;
  url: string;
  content_type: 'application/json' | 'application/x-www-form-urlencoded';
  /** JSON array of event names. */
  events: string;
  enabled: number;
  /** AES-256-GCM under the master key: the signing key and the X-Authing-Token value. */
  secret_enc: string;
  /** JSON `{ enabled, count, delay, delayUnit }` as GenAuth's WebhookRetryConfigV3Dto. */
  retry_config: string;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveriesTable {
  /** Also the Standard Webhooks `webhook-id`: the same on every retry and re-send. */
  id: string;
  pool_id: string;
  /** `webhook`, `backchannel-logout`, ...: what asked for it; only webhooks are signed. */
  kind: string;
  webhook_id: string | null;
  /** The outbox event it announces, when there is one. */
  event_id: string | null;
  event_type: string;
  url: string;
  content_type: string;
  /** JSON object of extra request headers (never secrets: those are added when sending). */
  headers: string;
  /** The exact bytes sent (and signed). */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  /** The first retry's delay; each further retry doubles it (with jitter). */
  retry_delay_ms: number;
  next_attempt_at: string;
  /** A worker that claimed it sends it until then; past it, the claim lapses (crashed worker). */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  pool_id: string;
  webhook_id: string | null;
  event_type: string;
  request_url: string;
  /** JSON, with the secret redacted. */
  request_headers: string;
  response_status: number | null;
  response_headers: string | null;
  /** Truncated (see DELIVERY_RESPONSE_BODY_BYTES in the worker). */
  response_body: string | null;
  success: number;
  error_message: string | null;
  duration_ms: number;
  /** host:pid of the process that made the attempt. */
  worker: string;
  created_at: string;
}

export interface DeliveryTables {
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
}
