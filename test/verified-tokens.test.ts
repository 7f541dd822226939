import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../src/services/verified-tokens.js';

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe('the cache of verified access-token signatures', () => {
  it('answers the claims of a remembered token until it expires, and nothing for an expired one', () => {
    const cache = new VerifiedTokens();
    cache.remember('live', { sub: 'a', exp: inSeconds(60) });
    cache.remember('expired', { sub: 'b', exp: inSeconds(-1) });
    expect(cache.get('live')).toMatchObject({ sub: 'a' });
    expect(cache.get('expired')).toBeUndefined();
    expect(cache.get('never-seen')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest first', () => {
    const cache = new VerifiedTokens(2);
    cache.remember('one', { exp: inSeconds(60) });
    cache.remember('two', { exp: inSeconds(60) });
    cache.remember('three', { exp: inSeconds(60) });
    expect(cache.get('one')).toBeUndefined();
    expect(cache.get('two')).toBeDefined();
    expect(cache.get('three')).toBeDefined();
  });
});
