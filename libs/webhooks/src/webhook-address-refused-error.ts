/**
 * A webhook destination the SSRF guard will not connect to. Delivery treats it as final: retrying
 * cannot help, and the record says why without ever having touched the address.
 */
export class WebhookAddressRefusedError extends Error {
  override readonly name = 'WebhookAddressRefusedError';
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
}
