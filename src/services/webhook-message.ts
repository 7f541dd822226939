import { createHmac } from 'node:crypto';

/**
 * What a webhook receives. The body names the event and the pool and carries the event's data;
 * JSON by default, or the same fields form-encoded (`data` as a JSON string) for webhooks whose
 * contentType is application/x-www-form-urlencoded.
 */
export interface EventMessage {
  eventName: string;
  eventId: string;
  userPoolId: string;
  /** When the change committed (ISO-8601). */
  timestamp: string;
  requestId: string | null;
  data: unknown;
}

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export function renderBody(message: EventMessage, contentType: string): string {
  if (contentType === FORM_TYPE) {
    return new URLSearchParams({
      eventName: message.eventName,
      eventId: message.eventId,
      userPoolId: message.userPoolId,
      timestamp: message.timestamp,
      requestId: message.requestId ?? '',
      data: JSON.stringify(message.data ?? null),
    }).toString();
  }
  return JSON.stringify(message);
}

/**
 * Standard Webhooks headers (standardwebhooks.com): `v1,<base64 HMAC-SHA256 of id.timestamp.body>`
 * keyed by the secret's bytes, which `new Webhook(secret, { format: 'raw' })` verifies; and
 * GenAuth's `X-Authing-Token`, the secret itself, so receivers written for the cloud keep working.
 */
export function signedHeaders(deliveryId: string, secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(nowSeconds);
  const signature = createHmac('sha256', Buffer.from(secret, 'latin1')).update(`${deliveryId}.${timestamp}.${body}`).digest('base64');
  return {
    'x-authing-token': secret,
    'webhook-id': deliveryId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

const SECRET_HEADERS = new Set(['x-authing-token', 'authorization']);

/** Headers as they are kept in the delivery log: secrets replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value]));
}
