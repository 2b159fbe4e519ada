import { ConfigError } from '@switchyard/config';
import { DEFAULT_WEBHOOK_RETRY_SETTINGS } from './webhook-backoff';
import { resolveWebhookSecret } from './webhook-secret';
import { WebhookSecretError } from './webhook-secret-error';
import { loadWebhookSettings } from './webhook-settings';
import { WebhookSigner } from './webhook-signer';

describe('loadWebhookSettings', () => {
  it('defaults to 12 attempts from 5 s, 10 s timeout (3 s to connect), concurrency 16, 4 per destination', () => {
    expect(loadWebhookSettings({})).toEqual({
      retry: { ...DEFAULT_WEBHOOK_RETRY_SETTINGS },
      timeoutMs: 10_000,
      connectTimeoutMs: 3000,
      concurrency: 16,
      destinationConcurrency: 4,
    });
  });

  it('reads the overrides tests and operators use', () => {
    const settings = loadWebhookSettings({
      SWITCHYARD_WEBHOOK_MAX_ATTEMPTS: '3',
      SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS: '20',
      SWITCHYARD_WEBHOOK_CONCURRENCY: '4',
      SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY: '2',
      SWITCHYARD_WEBHOOK_CONNECT_TIMEOUT_MS: '500',
    });
    expect(settings.connectTimeoutMs).toBe(500);
    expect(settings.destinationConcurrency).toBe(2);
    expect(settings.retry.maxAttempts).toBe(3);
    expect(settings.retry.backoffBaseMs).toBe(20);
    expect(settings.concurrency).toBe(4);
  });

  it.each(['0', '-1', '2.5', 'lots'])('rejects SWITCHYARD_WEBHOOK_MAX_ATTEMPTS=%s', (raw) => {
    expect(() => loadWebhookSettings({ SWITCHYARD_WEBHOOK_MAX_ATTEMPTS: raw })).toThrow(
      ConfigError,
    );
  });
});

describe('resolveWebhookSecret', () => {
  const logger = () => {
    const warnings: string[] = [];
    return {
      warnings,
      log: () => undefined,
      warn: (m: string) => warnings.push(m),
      error: () => undefined,
    };
  };

  it('uses the configured secret', () => {
    const secret = WebhookSigner.generateSecret();
    const log = logger();
    const resolved = resolveWebhookSecret(secret, { allowEphemeral: false, logger: log });
    expect(resolved.ephemeral).toBe(false);
    expect(new WebhookSigner(secret).sign('m', new Date(0), 'b')).toBe(
      resolved.signer.sign('m', new Date(0), 'b'),
    );
    expect(log.warnings).toHaveLength(0);
  });

  it('refuses to run without a secret when ephemeral secrets are not allowed', () => {
    expect(() =>
      resolveWebhookSecret(undefined, { allowEphemeral: false, logger: logger() }),
    ).toThrow(WebhookSecretError);
  });

  it('signs with a random secret and warns loudly in zero-config mode', () => {
    const log = logger();
    const a = resolveWebhookSecret(undefined, { allowEphemeral: true, logger: log });
    const b = resolveWebhookSecret(undefined, { allowEphemeral: true, logger: log });
    expect(a.ephemeral).toBe(true);
    expect(a.signer.sign('m', new Date(0), 'b')).not.toBe(b.signer.sign('m', new Date(0), 'b'));
    expect(log.warnings[0]).toMatch(/EPHEMERAL/);
  });
});
