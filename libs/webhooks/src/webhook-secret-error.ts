/** A configured webhook secret that cannot be used. Its message never includes the secret. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}
