import { REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('replaces every occurrence of a given secret', () => {
    const secret = 'tenant-key-0123456789';
    const out = redactSecrets(`a ${secret} b ${secret}`, [secret]);
    expect(out).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('also catches the JSON-escaped form of a secret', () => {
    const secret = 'pa"ss\\word-123';
    const json = JSON.stringify({ key: secret });
    expect(redactSecrets(json, [secret])).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(redactSecrets(json, [secret])).toContain(REDACTED);
  });

  it('redacts a longer secret that contains a shorter one completely', () => {
    const short = 'abcdefgh12';
    const long = `${short}-and-more-characters`;
    expect(redactSecrets(`x ${long} y`, [short, long])).toBe(`x ${REDACTED} y`);
  });

  it('leaves short values alone so ordinary words survive', () => {
    expect(redactSecrets('the test passed', ['test'])).toBe('the test passed');
  });

  it('redacts credential-shaped tokens nobody passed in', () => {
    const text =
      'Authorization: Bearer abcdef0123456789xyz key sk-proj-ABCDEFGHIJKLMNOPQRST and AIzaSyA1234567890abcdefghijklmnopqrstu';
    const out = redactSecrets(text, []);
    expect(out).toContain(`Bearer ${REDACTED}`);
    expect(out).not.toContain('abcdef0123456789xyz');
    expect(out).not.toContain('sk-proj-ABCDEFGHIJKLMNOPQRST');
    expect(out).not.toContain('AIzaSyA1234567890');
  });

  it('returns text without secrets unchanged', () => {
    expect(redactSecrets('hello world', ['nothing-here-123'])).toBe('hello world');
  });

  it('redacts every credential shape, each behind the literal the fast path looks for', () => {
    const tokens = [
      ['Basic dXNlcjpwYXNzd29yZDEyMw==', 'dXNlcjpwYXNzd29yZDEyMw=='],
      ['gsk_ABCDEFGHIJKLMNOPqrst', 'gsk_ABCDEFGHIJKLMNOPqrst'],
      ['whsec_ABCDEFGHIJKLMNOP1234', 'whsec_ABCDEFGHIJKLMNOP1234'],
    ];
    for (const [text, secretPart] of tokens) {
      expect(redactSecrets(`x ${text} y`, [])).not.toContain(secretPart);
    }
  });

  it('honours a secret added to a list it has already redacted with', () => {
    const secrets = ['tenant-acme-key-0123456789'];
    expect(redactSecrets('a tenant-acme-key-0123456789', secrets)).toBe(`a ${REDACTED}`);
    secrets.push('tenant-globex-key-0123456789');
    expect(redactSecrets('b tenant-globex-key-0123456789', secrets)).toBe(`b ${REDACTED}`);
  });

  it('keeps each list apart however many lists it has seen', () => {
    for (let i = 0; i < 40; i++) {
      const secret = `tenant-${i}-key-0123456789`;
      expect(redactSecrets(`k ${secret}`, [secret])).toBe(`k ${REDACTED}`);
      expect(redactSecrets(`k ${secret}`, ['other-key-0123456789'])).toBe(`k ${secret}`);
    }
  });
});
