import { REDACTED, scrubSecret } from './secret-scrubber';

describe('scrubSecret', () => {
  const key = 'sk-proj-abc123+/=XYZ';

  it('removes every occurrence of the key, raw and URL-encoded', () => {
    const text = `bad key ${key}; again ${key}; in a url ?token=${encodeURIComponent(key)}`;
    const scrubbed = scrubSecret(text, key);
    expect(scrubbed).not.toContain(key);
    expect(scrubbed).not.toContain(encodeURIComponent(key));
    expect(scrubbed.split(REDACTED)).toHaveLength(4);
  });

  it('removes credentials it does not hold: bearer tokens, key headers and key= parameters', () => {
    const scrubbed = scrubSecret(
      'Authorization: Bearer other-token x-api-key: "abc" url?key=AIzaXYZ&alt=sse',
      undefined,
    );
    expect(scrubbed).toBe(
      `Authorization: Bearer ${REDACTED} x-api-key: "${REDACTED}" url?key=${REDACTED}&alt=sse`,
    );
  });

  it('leaves text alone when there is nothing to hide, and ignores trivially short keys', () => {
    expect(scrubSecret('plain message', 'abc')).toBe('plain message');
  });
});
