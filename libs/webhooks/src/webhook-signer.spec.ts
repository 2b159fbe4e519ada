import { inspect } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { WebhookSecretError } from './webhook-secret-error';
import { WebhookSigner } from './webhook-signer';

describe('WebhookSigner', () => {
  const secret = WebhookSigner.generateSecret();
  const signer = new WebhookSigner(secret);
  const body = JSON.stringify({
    type: 'job.succeeded',
    timestamp: '2025-01-01T00:00:00.000Z',
    data: { id: 'j1' },
  });

  it('produces signatures the standardwebhooks package accepts', () => {
    const headers = signer.headers('msg_j1_job.succeeded', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs exactly like standardwebhooks', () => {
    const at = new Date('2025-06-01T12:00:00Z');
    expect(signer.sign('msg_x', at, body)).toBe(new Webhook(secret).sign('msg_x', at, body));
  });

  it('verifies what standardwebhooks signs and rejects tampering', () => {
    const now = new Date();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_1', now, body),
    };
    expect(signer.verify(body, headers)).toBe(true);
    expect(signer.verify(body + ' ', headers)).toBe(false);
    expect(signer.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toBe(false);
    expect(new WebhookSigner(WebhookSigner.generateSecret()).verify(body, headers)).toBe(false);
  });

  it('accepts one valid signature among several (key rotation) and refuses stale timestamps', () => {
    const now = new Date();
    const headers = signer.headers('msg_1', now, body);
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(signer.verify(body, rotated)).toBe(true);
    const later = new Date(now.getTime() + 10 * 60_000);
    expect(signer.verify(body, headers, { now: later })).toBe(false);
  });

  it('rejects malformed or weak secrets without echoing them', () => {
    const bad = 'whsec_not base64!!';
    expect(() => new WebhookSigner(bad)).toThrow(WebhookSecretError);
    try {
      new WebhookSigner(bad);
    } catch (err) {
      expect((err as Error).message).not.toContain('not base64');
    }
    expect(() => new WebhookSigner('whsec_' + Buffer.from('short').toString('base64'))).toThrow(
      /at least 16/,
    );
    expect(() => new WebhookSigner('whsec_')).toThrow(WebhookSecretError);
  });

  it('does not expose the key when inspected or serialized', () => {
    const key = secret.slice('whsec_'.length);
    expect(JSON.stringify(signer)).not.toContain(key);
    expect(inspect(signer, { depth: 5 })).not.toContain(key);
  });
});
