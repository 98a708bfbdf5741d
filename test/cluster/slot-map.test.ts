// The slot map the front reads per call: changes apply in revision order per key, snapshots replace all.

import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX, decodeKey, encodeHolder, nodeKey, parseKey, slotKey } from '../../src/cluster/keys.js';
import { applyKey } from '../../src/cluster/map-watch.js';
import { SlotMap } from '../../src/cluster/slot-map.js';
import { summarizeMap } from '../../src/cluster/status.js';

const P = DEFAULT_PREFIX;
const owner = (node: string, epoch: number) => ({ node, address: `${node}:1`, epoch, lease: `L-${node}` });

describe('SlotMap', () => {
  it.each([
    { what: 'a newer change applies', first: 10, second: 11, owner: 'b' },
    { what: 'an older change arriving late is ignored', first: 11, second: 10, owner: 'a' },
    { what: 'the same revision twice applies once', first: 10, second: 10, owner: 'a' },
  ])('$what', ({ first, second, owner: expected }) => {
    const map = new SlotMap();
    map.applySlot(7, owner('a', first), first);
    map.applySlot(7, owner('b', second), second);
    expect(map.ownerOf(7)?.node).toBe(expected);
  });

  it('a delete at a later revision frees the slot; the put it deleted cannot come back', () => {
    const map = new SlotMap();
    map.applySlot(1, owner('a', 5), 5);
    map.applySlot(1, undefined, 9);
    expect(map.applySlot(1, owner('a', 5), 5)).toBe(false);
    expect(map.ownerOf(1)).toBeUndefined();
  });

  it('membership version grows on join, leave and a new lease, not on a repeated put', () => {
    const map = new SlotMap();
    const versions = [map.membershipVersion()];
    map.applyNode('a', { address: 'a:1', lease: '1' }, 2);
    versions.push(map.membershipVersion());
    map.applyNode('a', { address: 'a:1', lease: '1' }, 3);
    versions.push(map.membershipVersion());
    map.applyNode('a', { address: 'a:1', lease: '2' }, 4);
    versions.push(map.membershipVersion());
    map.applyNode('a', undefined, 5);
    versions.push(map.membershipVersion());
    expect(versions).toEqual([0, 1, 1, 2, 3]);
    expect(map.liveNodes()).toEqual([]);
  });

  it('a snapshot replaces everything, and changes from before it no longer apply', () => {
    const map = new SlotMap();
    map.applySlot(0, owner('a', 3), 3);
    map.applyNode('a', { address: 'a:1', lease: 'L-a' }, 2);
    map.replaceAll(20, [[5, owner('b', 15)]], [['b', { address: 'b:1', lease: 'L-b' }]]);
    expect(map.ownerOf(0)).toBeUndefined();
    expect(map.ownerOf(5)?.node).toBe('b');
    expect(map.liveNodes()).toEqual(['b']);
    expect(map.applySlot(0, owner('a', 19), 19)).toBe(false);
    expect(map.applyNode('a', { address: 'a:1', lease: 'L-a' }, 19)).toBe(false);
    expect(map.applySlot(0, owner('c', 21), 21)).toBe(true);
  });
});

describe('keys', () => {
  it.each([
    { key: `${P}nodes/engine-1`, parsed: { kind: 'node', node: 'engine-1' } },
    { key: `${P}slots/0042`, parsed: { kind: 'slot', slot: 42 } },
    { key: `${P}slots/42`, parsed: undefined },
    { key: `${P}nodes/a/b`, parsed: undefined },
    { key: `${P}other/x`, parsed: undefined },
    { key: '/elsewhere/slots/0001', parsed: undefined },
  ])('$key → $parsed', ({ key, parsed }) => {
    expect(parseKey(P, key)).toEqual(parsed);
  });

  it('names every slot with four digits and reads it back', () => {
    expect(slotKey(P, 7)).toBe('/jifen/cluster/slots/0007');
    expect(parseKey(P, slotKey(P, 4095))).toEqual({ kind: 'slot', slot: 4095 });
    expect(nodeKey(P, 'n1')).toBe('/jifen/cluster/nodes/n1');
  });

  it('a slot key reads back with its create revision as the epoch; an unreadable value is skipped', () => {
    const stored = {
      key: slotKey(P, 3),
      value: encodeHolder({ node: 'n1', address: 'h:1' }),
      createRevision: '17',
      modRevision: '17',
      lease: '99',
    };
    expect(decodeKey(P, stored)).toEqual({
      kind: 'slot',
      slot: 3,
      holder: { node: 'n1', address: 'h:1' },
      epoch: 17,
      lease: '99',
      revision: 17,
    });
    expect(decodeKey(P, { ...stored, value: 'not json' })).toBeUndefined();
  });

  it('applyKey: a delete event (key and deleting revision only) frees the slot', () => {
    const map = new SlotMap();
    const put = {
      key: slotKey(P, 3),
      value: encodeHolder({ node: 'n1', address: 'h:1' }),
      createRevision: '17',
      modRevision: '17',
      lease: '99',
    };
    applyKey(map, P, put, false);
    expect(map.ownerOf(3)?.epoch).toBe(17);
    applyKey(map, P, { key: slotKey(P, 3), value: '', createRevision: '0', modRevision: '30', lease: '0' }, true);
    expect(map.ownerOf(3)).toBeUndefined();
  });
});

describe('summarizeMap', () => {
  it('counts slots and epoch ranges per node, live or not, and the unowned', () => {
    const map = new SlotMap();
    map.applyNode('a', { address: 'a:1', lease: 'L-a' }, 1);
    map.applyNode('idle', { address: 'i:1', lease: 'L-i' }, 1);
    map.applySlot(0, owner('a', 10), 10);
    map.applySlot(1, owner('a', 12), 12);
    map.applySlot(2, owner('gone', 5), 5);
    const summary = summarizeMap(map);
    expect(summary.unownedSlots).toBe(4093);
    expect(summary.nodes).toEqual([
      { node: 'a', address: 'a:1', lease: 'L-a', slots: 2, minEpoch: 10, maxEpoch: 12 },
      { node: 'gone', address: undefined, lease: undefined, slots: 1, minEpoch: 5, maxEpoch: 5 },
      { node: 'idle', address: 'i:1', lease: 'L-i', slots: 0, minEpoch: undefined, maxEpoch: undefined },
    ]);
  });
});
