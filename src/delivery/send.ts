import { storesNoBody, type AttemptResult } from '../services/deliveries.js';
import { redactHeaders, signedHeaders } from '../services/webhook-message.js';
import type { DeliveryRow } from '../store/deliveries.js';
import type { WebhookRow } from '../store/webhooks.js';
import { cachedDecrypter } from '../lib/secrets.js';
import { parseJson, toBool } from '../store/values.js';
import { post } from './http-client.js';

/** trigger-webhook's test sends: made while the caller waits, never retried nor sent again. */
export const TEST_KIND = 'webhook-test';

/** A webhook's secret is decrypted once per stored form, not at every send. */
const decryptSecret = cachedDecrypter();

export interface SendSettings {
  timeoutMs: number;
  refusePrivate: boolean;
  maxResponseBytes: number;
}

/**
 * One attempt at one delivery: its stored headers, and for a webhook the signature headers made
 * now with the webhook's secret (decrypted only here, never stored with the delivery). A webhook
 * that was deleted or disabled since gets no request: the attempt is final.
 */
export async function sendDelivery(masterKey: Buffer, settings: SendSettings, delivery: DeliveryRow, webhook: WebhookRow | undefined, signal?: AbortSignal): Promise<AttemptResult> {
  const headers: Record<string, string> = {
    // A webhook's deliveries carry no headers of their own ('{}'): nothing to parse.
    ...(delivery.headers === '{}' ? undefined : parseJson<Record<string, string>>(delivery.headers, {})),
    'content-type': delivery.content_type,
    'user-agent': 'Userpool-Delivery/1',
  };
  const request = { url: delivery.url, headers, body: delivery.body };
  if (delivery.webhook_id !== null) {
    const gone = !webhook
      ? 'the webhook was deleted'
      : !toBool(webhook.enabled) && delivery.kind !== TEST_KIND
        ? 'the webhook is disabled'
        : storesNoBody(delivery)
          ? 'its event is no longer stored'
          : undefined;
    if (gone) return { ok: false, final: true, error: gone, durationMs: 0, request: { ...request, headers: redactHeaders(headers) } };
    Object.assign(headers, signedHeaders(delivery.id, decryptSecret(masterKey, webhook!.secret_enc), delivery.body));
  }
  const outcome = await post({ ...request, timeoutMs: settings.timeoutMs, refusePrivate: settings.refusePrivate, maxBodyBytes: settings.maxResponseBytes, signal });
  return { ...outcome, final: outcome.refused, request: { ...request, headers: redactHeaders(headers) } };
}
