import { cacheDirectives } from './cache-control';

describe('cacheDirectives', () => {
  it('reads and writes the cache by default', () => {
    expect(cacheDirectives(undefined, undefined)).toEqual({ read: true, write: true });
    expect(cacheDirectives('max-age=0', true)).toEqual({ read: true, write: true });
  });

  it('takes a fresh answer on no-cache, and still stores it', () => {
    expect(cacheDirectives('no-cache', undefined)).toEqual({ read: false, write: true });
    expect(cacheDirectives('max-age=0, No-Cache', undefined)).toEqual({ read: false, write: true });
  });

  it('neither reads nor writes on no-store or the body field cache: false', () => {
    expect(cacheDirectives('no-store', undefined)).toEqual({ read: false, write: false });
    expect(cacheDirectives(undefined, false)).toEqual({ read: false, write: false });
    expect(cacheDirectives('no-cache', false)).toEqual({ read: false, write: false });
  });
});
