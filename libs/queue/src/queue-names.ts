/** Queue names are part of the deployment contract: KEDA scalers watch `bull:<name>:wait`. */
export const ROUTER_QUEUE = 'router';
export const WEBHOOK_QUEUE = 'webhooks';

export function providerQueueName(provider: string): string {
  return `provider-${provider}`;
}
