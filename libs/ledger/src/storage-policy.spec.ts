import type { ChatMessage } from '@switchyard/providers';
import {
  serializePrompt,
  storedField,
  storedPrompt,
  storedResponse,
  truncate,
} from './storage-policy';

const messages: ChatMessage[] = [
  { role: 'system', content: 'be brief' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image', data: 'A'.repeat(5000), mime_type: 'image/png' },
    ],
  },
];

describe('storage policy', () => {
  it('stores nothing when the policy is off or absent', () => {
    expect(storedPrompt(messages, undefined, [])).toBeNull();
    expect(storedPrompt(messages, { store_prompts: false, store_responses: true }, [])).toBeNull();
    expect(storedResponse('hi', { store_prompts: true, store_responses: false }, [])).toBeNull();
  });

  it('stores the prompt as JSON with inline image data elided', () => {
    const stored = storedPrompt(messages, { store_prompts: true, store_responses: false }, []);
    expect(stored).not.toBeNull();
    const parsed = JSON.parse(stored as string) as ChatMessage[];
    expect(parsed[0]).toEqual({ role: 'system', content: 'be brief' });
    expect(JSON.stringify(parsed[1])).toContain('[5000 base64 chars omitted]');
    expect(stored).not.toContain('AAAAAAAAAA');
  });

  it('truncates to max_chars with a marker', () => {
    const policy = { store_prompts: true, store_responses: true, max_chars: 10 };
    expect(storedResponse('0123456789abcdef', policy, [])).toBe('0123456789…[truncated 6 chars]');
    expect(storedResponse('short', policy, [])).toBe('short');
  });

  it('does not split a surrogate pair', () => {
    expect(truncate('ab😀cd', 3)).toBe('ab…[truncated 4 chars]');
  });

  it('redacts before truncating, so no fragment of a secret survives', () => {
    const secret = 'super-secret-value-42';
    const out = storedResponse(
      `x${secret}`,
      { store_prompts: false, store_responses: true, max_chars: 12 },
      [secret],
    );
    expect(out).not.toContain('super-secr');
    expect(out?.startsWith('x[REDACTED]')).toBe(true);
  });

  it('strips NUL bytes PostgreSQL cannot store', () => {
    expect(storedField('a\u0000b', [])).toBe('ab');
  });

  it('serializes string content unchanged', () => {
    expect(serializePrompt([{ role: 'user', content: 'hi' }])).toBe(
      '[{"role":"user","content":"hi"}]',
    );
  });
});
