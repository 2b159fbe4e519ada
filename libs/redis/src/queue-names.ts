/** Queue names are part of the deployment contract: KEDA scalers watch `bull:<name>:wait`. */
export const ROUTER_QUEUE = 'router';
export const WEBHOOK_QUEUE = 'webhooks';
/** Evaluation runs (POST /v1/evals, scheduled runs), executed by the ingress processes. */
export const EVALS_QUEUE = 'evals';

export function providerQueueName(provider: string): string {
  return `provider-${provider}`;
}
