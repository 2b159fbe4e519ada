import type { LookupAddress } from 'node:dns';
import { WebhookAddressRefusedError } from './webhook-address-refused-error';
import {
  assertDeliverableUrl,
  createGuardedLookup,
  validateWebhookUrl,
  type HostResolver,
} from './webhook-url-guard';

/** A fixed DNS table, so the tests do not depend on the network's resolver. */
function resolverFor(table: Record<string, string[]>): HostResolver {
  return async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map<LookupAddress>((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
}

const dns = resolverFor({
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
  'internal.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.216.34', '192.168.1.1'],
  'rebind.example.com': ['::ffff:127.0.0.1'],
  'v6meta.example.com': ['fd00:ec2::254'],
});

describe('validateWebhookUrl', () => {
  const strict = { allowPrivate: false };
  const open = { allowPrivate: true };

  it('accepts an https URL on a public host', async () => {
    await expect(
      validateWebhookUrl('https://hooks.example.com/x?t=1', strict, dns),
    ).resolves.toEqual({
      ok: true,
    });
  });

  it.each([
    ['ftp://hooks.example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /valid absolute URL/],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, /longer than/],
  ])('refuses %s', async (url, problem) => {
    const result = await validateWebhookUrl(url, strict, dns);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it.each([
    ['http://127.0.0.1:8080/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://10.1.2.3/', /private/],
    ['http://172.20.0.1/', /private/],
    ['http://192.168.0.1/', /private/],
    ['http://[fd00::1]/', /private/],
    ['http://169.254.10.10/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://100.64.1.1/', /carrier-grade NAT/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://metadata.google.internal/computeMetadata/v1/', /metadata/],
    ['http://METADATA.google.internal./', /metadata/],
    ['http://localhost:3000/', /loopback/],
    ['http://internal.example.com/', /resolves to a private/],
    ['http://mixed.example.com/', /resolves to a private/],
    ['http://rebind.example.com/', /resolves to a loopback/],
    ['http://nowhere.example.com/', /could not be resolved/],
  ])('refuses %s', async (url, problem) => {
    const result = await validateWebhookUrl(url, strict, dns);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('allows private destinations with allowPrivate, but never metadata', async () => {
    await expect(validateWebhookUrl('http://127.0.0.1:9/', open, dns)).resolves.toEqual({
      ok: true,
    });
    await expect(validateWebhookUrl('http://internal.example.com/', open, dns)).resolves.toEqual({
      ok: true,
    });
    for (const url of [
      'http://169.254.169.254/',
      'http://metadata.google.internal/',
      'http://v6meta.example.com/',
    ]) {
      const result = await validateWebhookUrl(url, open, dns);
      expect(result.ok).toBe(false);
    }
  });

  it('uses the system resolver by default (localhost resolves to loopback)', async () => {
    const result = await validateWebhookUrl('http://localhost./', open);
    expect(result).toEqual({ ok: true });
  });
});

describe('assertDeliverableUrl', () => {
  it('throws a refusal for literal private IPs when the guard is on', () => {
    expect(() => assertDeliverableUrl('http://127.0.0.1:1/', { allowPrivate: false })).toThrow(
      WebhookAddressRefusedError,
    );
    expect(() => assertDeliverableUrl('http://127.0.0.1:1/', { allowPrivate: true })).not.toThrow();
    expect(() =>
      assertDeliverableUrl('http://example.com/', { allowPrivate: false }),
    ).not.toThrow();
  });
});

describe('createGuardedLookup', () => {
  const lookup = (
    allowPrivate: boolean,
    host: string,
    all: boolean,
  ): Promise<{ err: NodeJS.ErrnoException | null; address: unknown }> =>
    new Promise((resolve) =>
      createGuardedLookup({ allowPrivate })(host, { all }, (err, address) =>
        resolve({ err, address }),
      ),
    );

  it('refuses a name that resolves to loopback when the guard is on', async () => {
    const { err } = await lookup(false, 'localhost', true);
    expect(err).toBeInstanceOf(WebhookAddressRefusedError);
  });

  it('refuses metadata names before resolving them, even with allowPrivate', async () => {
    const { err } = await lookup(true, 'metadata.google.internal', false);
    expect(err).toBeInstanceOf(WebhookAddressRefusedError);
  });

  it('answers in both callback shapes when the address is allowed', async () => {
    const many = await lookup(true, 'localhost', true);
    expect(many.err).toBeNull();
    expect(Array.isArray(many.address)).toBe(true);
    const one = await lookup(true, 'localhost', false);
    expect(one.err).toBeNull();
    expect(typeof one.address).toBe('string');
  });
});
