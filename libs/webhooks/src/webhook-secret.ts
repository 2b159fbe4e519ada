import type { WebhookLogger } from './webhook-logger';
import { WebhookSecretError } from './webhook-secret-error';
import { WebhookSigner } from './webhook-signer';

export interface ResolvedWebhookSecret {
  signer: WebhookSigner;
  /** True when no secret was configured and a random one was made for this process. */
  ephemeral: boolean;
}

/**
 * Decides how deliveries are signed. A configured secret is validated (its value never appears in
 * messages). Without one, `allowEphemeral` picks between refusing to start — right for a dedicated
 * dispatcher, which only exists in deployed topologies and may run as several replicas that would
 * each sign differently — and signing with a per-process random secret so the zero-configuration
 * all-in-one still delivers, with a warning that receivers cannot verify those signatures.
 */
export function resolveWebhookSecret(
  configured: string | undefined,
  options: { allowEphemeral: boolean; logger: WebhookLogger },
): ResolvedWebhookSecret {
  if (configured) return { signer: new WebhookSigner(configured), ephemeral: false };
  if (!options.allowEphemeral) {
    throw new WebhookSecretError(
      'SWITCHYARD_WEBHOOK_SECRET is not set: the webhook dispatcher will not send deliveries that ' +
        'receivers cannot verify. Set it to "whsec_" + base64 of 24-64 random bytes, e.g. ' +
        `"whsec_$(openssl rand -base64 32)".`,
    );
  }
  options.logger.warn(
    'SWITCHYARD_WEBHOOK_SECRET is not set: webhooks are signed with an EPHEMERAL random secret ' +
      'that receivers cannot verify and that changes on every restart. Set SWITCHYARD_WEBHOOK_SECRET ' +
      'for any deployment that sends webhooks to real receivers.',
  );
  return { signer: new WebhookSigner(WebhookSigner.generateSecret()), ephemeral: true };
}
