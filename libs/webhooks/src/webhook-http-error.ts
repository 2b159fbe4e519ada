/** A delivery attempt that got no HTTP answer. Both kinds are worth retrying. */
export class WebhookHttpError extends Error {
  override readonly name = 'WebhookHttpError';

  constructor(
    readonly kind: 'timeout' | 'connection',
    message: string,
  ) {
    super(message);
  }
}
