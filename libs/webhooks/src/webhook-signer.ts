import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookSecretError } from './webhook-secret-error';

/** The three Standard Webhooks headers sent with every delivery attempt. */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Below this a key is almost certainly a mistake (the spec recommends 24-64 bytes). */
const MIN_KEY_BYTES = 16;
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Signs and verifies per Standard Webhooks (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`),
 * byte-compatible with the `standardwebhooks` package. The key is kept in a #private field so an
 * accidentally logged signer never prints it, and no error message ever contains it.
 */
export class WebhookSigner {
  readonly #key: Buffer;

  /** @param secret `whsec_<base64>` (the prefix is optional, as in `standardwebhooks`). */
  constructor(secret: string) {
    this.#key = WebhookSigner.decodeSecret(secret);
  }

  /** A fresh `whsec_` secret with a 32-byte key. */
  static generateSecret(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64');
  }

  private static decodeSecret(secret: string): Buffer {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    // Buffer.from silently skips bad characters, so validate first or a typo becomes a weak key.
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
      throw new WebhookSecretError(
        'SWITCHYARD_WEBHOOK_SECRET must be "whsec_" followed by base64 (the secret is not shown)',
      );
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length < MIN_KEY_BYTES) {
      throw new WebhookSecretError(
        `SWITCHYARD_WEBHOOK_SECRET decodes to ${key.length} bytes; use at least ${MIN_KEY_BYTES} (24-64 recommended)`,
      );
    }
    return key;
  }

  /** `v1,<base64 signature>` over `${msgId}.${unixSeconds}.${body}`. */
  sign(msgId: string, timestamp: Date, body: string): string {
    const seconds = Math.floor(timestamp.getTime() / 1000);
    const mac = createHmac('sha256', this.#key).update(`${msgId}.${seconds}.${body}`).digest();
    return `v1,${mac.toString('base64')}`;
  }

  headers(msgId: string, timestamp: Date, body: string): WebhookSignatureHeaders {
    return {
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': this.sign(msgId, timestamp, body),
    };
  }

  /**
   * Receiver-side check (for tests and Switchyard's own tooling): headers present, timestamp within
   * the tolerance, and one of the space-separated `v1,` signatures matching in constant time.
   */
  verify(
    body: string,
    headers: Record<string, string | string[] | undefined>,
    options: { toleranceSeconds?: number; now?: Date } = {},
  ): boolean {
    const header = (name: string): string | undefined => {
      const value = headers[name] ?? headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const msgId = header('webhook-id');
    const rawTimestamp = header('webhook-timestamp');
    const signatures = header('webhook-signature');
    if (!msgId || !rawTimestamp || !signatures || !/^\d+$/.test(rawTimestamp)) return false;
    const seconds = Number(rawTimestamp);
    const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
    if (Math.abs(nowSeconds - seconds) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
      return false;
    }
    const expected = Buffer.from(this.sign(msgId, new Date(seconds * 1000), body).slice(3));
    return signatures.split(' ').some((versioned) => {
      const [version, signature] = versioned.split(',', 2);
      if (version !== 'v1' || !signature) return false;
      const candidate = Buffer.from(signature);
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
  }
}
