// Passivation order of the shard's active actors: oldest first, but an actor used since passivation
// last looked at it gets a second chance; the cache never holds more than its capacity after a round.

import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/actor/state.js';
import { type Actor, ActorCache } from '../../src/shard/actor-cache.js';

const actor = (memberId: string): Actor => ({ state: emptyState('t1', memberId), snapshotSeq: 0 });

describe('ActorCache.passivateOverflow', () => {
  it.each([
    { name: 'drops the oldest beyond capacity', capacity: 2, put: ['a', 'b', 'c'], touch: [], kept: ['b', 'c'] },
    { name: 'passes over one used since it was put', capacity: 2, put: ['a', 'b', 'c'], touch: ['a'], kept: ['a', 'c'] },
    { name: 'a peek is not a use', capacity: 2, put: ['a', 'b', 'c'], touch: [], peek: ['a'], kept: ['b', 'c'] },
    { name: 'every one used: still down to capacity', capacity: 1, put: ['a', 'b', 'c'], touch: ['a', 'b', 'c'], kept: ['c'] },
    { name: 'under capacity: nothing dropped', capacity: 5, put: ['a', 'b'], touch: [], kept: ['a', 'b'] },
  ])('$name', ({ capacity, put, touch, peek = [], kept }) => {
    const cache = new ActorCache(capacity);
    for (const m of put) cache.put(m, actor(m));
    for (const m of touch) expect(cache.touch(m)?.state.memberId).toBe(m);
    for (const m of peek) expect(cache.peek(m)?.state.memberId).toBe(m);
    expect(cache.passivateOverflow()).toBe(Math.max(0, put.length - capacity));
    expect(put.filter((m) => cache.peek(m) !== undefined)).toEqual(kept);
    expect(cache.size).toBe(kept.length);
  });

  it('a second chance is used up: passed over once, dropped the next time unless used again', () => {
    const cache = new ActorCache(2);
    for (const m of ['a', 'b']) cache.put(m, actor(m));
    cache.touch('a');
    cache.put('c', actor('c'));
    cache.passivateOverflow(); // b goes, a passed over (now after c)
    cache.put('d', actor('d'));
    cache.passivateOverflow(); // c is oldest now
    expect(['a', 'b', 'c', 'd'].filter((m) => cache.peek(m) !== undefined)).toEqual(['a', 'd']);
    cache.put('e', actor('e'));
    cache.passivateOverflow(); // a was not used again: it goes
    expect(['a', 'd', 'e'].filter((m) => cache.peek(m) !== undefined)).toEqual(['d', 'e']);
  });
});
