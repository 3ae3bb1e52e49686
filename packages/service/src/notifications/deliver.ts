import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isHindsightError } from '@hindsight/models';
import { resolveWebhookAddress } from './address-guard.js';
import { signWebhook } from './signing.js';

/** How long a receiver has to answer one attempt, connection included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookMessage {
  url: string;
  secret: string;
  /** The `webhook-id` header: the same on every attempt of one message. */
  messageId: string;
  /** The JSON body, signed exactly as sent. */
  body: string;
}

export interface AttemptOutcome {
  /** When the attempt started (ISO). */
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  ok: boolean;
}

export interface SendOptions {
  allowedHosts: readonly string[];
  timeoutMs?: number;
}

/** A lookup that answers with the address already checked, whatever the name. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    } else {
      callback(null, address, family);
    }
  };
}

function post(url: URL, options: RequestOptions, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, options, (response) => {
      // Only the status matters; the body is not read, so a receiver cannot stream us forever.
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    request.on('error', reject);
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });
}

/**
 * One signed POST of a message (Standard Webhooks headers). The host is resolved and checked
 * again (DNS rebinding) and the connection made to that very address; redirects are not
 * followed (a 3xx is a failed attempt). Never throws: the outcome says what happened.
 */
export async function sendWebhook(
  message: WebhookMessage,
  options: SendOptions,
): Promise<AttemptOutcome> {
  const at = new Date();
  const started = performance.now();
  const outcome = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    at: at.toISOString(),
    statusCode,
    error,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    ok: error === null,
  });
  try {
    const { url, address, family } = await resolveWebhookAddress(message.url, options.allowedHosts);
    const timestamp = Math.floor(at.getTime() / 1000);
    const status = await post(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup(address, family),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hindsight-Webhooks/1',
          'webhook-id': message.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(
            message.secret,
            message.messageId,
            timestamp,
            message.body,
          ),
        },
      },
      message.body,
      options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    );
    if (status >= 200 && status < 300) return outcome(status, null);
    return outcome(status, `the receiver answered ${status}`);
  } catch (error) {
    const reason = isHindsightError(error)
      ? error.message
      : `${(error as { code?: string }).code ?? 'error'}: ${(error as Error).message}`;
    return outcome(null, reason);
  }
}
