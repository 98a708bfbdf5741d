// The LedgerStore contract: every backend runs this suite. `open` opens the backend's store on its
// current data (so calling it again after close reopens the same ledger); `cleanup` wipes that data.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, OrderRecord } from '../../src/actor/entries.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import type { CommitBatch, LedgerStore, MemberRef, OutboxRecord } from '../../src/ledger/store.js';

const A: MemberRef = { tenantId: 'acme', memberId: 'm-1' };
const B: MemberRef = { tenantId: 'acme', memberId: 'm-2' };
const OTHER_TENANT_A: MemberRef = { tenantId: 'globex', memberId: 'm-1' };

export function ledgerStoreContract(name: string, open: () => Promise<LedgerStore>, cleanup: () => Promise<void>): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let store: LedgerStore;
    let opened = false;

    beforeEach(async () => {
      opened = false;
      store = await open();
      opened = true;
    });

    afterEach(async () => {
      if (opened) await store.close();
      await cleanup();
    });

    const commit = (batch: Partial<CommitBatch>) => store.commit({ entries: [], orders: [], snapshots: [], outbox: [], ...batch });

    it('loadMembers returns committed entries in seq order, per member, even if committed out of order', async () => {
      const a = entriesOf(A, 3);
      await commit({ entries: [a[2], entriesOf(B, 1)[0], a[0], a[1]] });
      const [ha, hb, none] = await store.loadMembers([A, B, { tenantId: 'acme', memberId: 'nobody' }]);
      expect(ha).toEqual({ snapshot: null, entries: a });
      expect(hb.entries.map((e) => e.seq)).toEqual([1]);
      expect(none).toEqual({ snapshot: null, entries: [] });
    });

    it('loadMembers returns the snapshot and only the entries after it', async () => {
      const a = entriesOf(A, 5);
      await commit({ entries: a, snapshots: [stateAt(a, 3)] });
      const [history] = await store.loadMembers([A]);
      expect(history.snapshot).toEqual(stateAt(a, 3));
      expect(history.entries.map((e) => e.seq)).toEqual([4, 5]);
    });

    it('an older snapshot never replaces a newer one, a newer one does', async () => {
      const a = entriesOf(A, 5);
      await commit({ entries: a, snapshots: [stateAt(a, 3)] });
      await commit({ snapshots: [stateAt(a, 2)] });
      expect((await store.loadMembers([A]))[0].snapshot?.seq).toBe(3);
      await commit({ snapshots: [stateAt(a, 5)] });
      const [history] = await store.loadMembers([A]);
      expect(history.snapshot).toEqual(stateAt(a, 5));
      expect(history.entries).toEqual([]);
    });

    it('findByIdempotencyKeys answers hits and misses in the order of the refs', async () => {
      const a = entriesOf(A, 2);
      const b = entriesOf(B, 1);
      await commit({ entries: [...a, ...b] });
      const found = await store.findByIdempotencyKeys([
        { ...A, idempotencyKey: a[1].idempotencyKey },
        { ...A, idempotencyKey: 'never-used' },
        { ...A, idempotencyKey: a[0].idempotencyKey },
        { ...B, idempotencyKey: b[0].idempotencyKey },
        { tenantId: 'acme', memberId: 'nobody', idempotencyKey: a[0].idempotencyKey },
      ]);
      expect(found).toEqual([a[1], undefined, a[0], b[0], undefined]);
    });

    it('getOrders answers in ref order and a later commit of an order replaces it', async () => {
      const placed = orderOf(A, 'o-1', 0, 0);
      await commit({ orders: [placed, orderOf(A, 'o-2', 0, 0)] });
      const refunded = orderOf(A, 'o-1', 6_000, 59);
      await commit({ orders: [refunded] });
      const found = await store.getOrders([
        { ...A, orderId: 'o-2' },
        { ...A, orderId: 'missing' },
        { ...A, orderId: 'o-1' },
        { ...B, orderId: 'o-1' },
      ]);
      expect(found).toEqual([orderOf(A, 'o-2', 0, 0), undefined, refunded, undefined]);
    });

    it('listEntries pages by afterSeq and limit', async () => {
      const a = entriesOf(A, 7);
      await commit({ entries: a });
      const seqs = async (after: number, limit: number) => (await store.listEntries(A, after, limit)).map((e) => e.seq);
      expect(await seqs(0, 3)).toEqual([1, 2, 3]);
      expect(await seqs(3, 3)).toEqual([4, 5, 6]);
      expect(await seqs(6, 3)).toEqual([7]);
      expect(await seqs(7, 3)).toEqual([]);
      expect(await store.listEntries(A, 0, 100)).toEqual(a);
    });

    it('committing the same batch twice stores it once', async () => {
      const a = entriesOf(A, 3);
      const batch = { entries: a, orders: [orderOf(A, 'o-1', 0, 0)], snapshots: [stateAt(a, 3)], outbox: [] };
      await commit(batch);
      await commit(structuredClone(batch));
      expect(await store.listEntries(A, 0, 100)).toEqual(a);
      expect(await store.loadMembers([A])).toEqual([{ snapshot: stateAt(a, 3), entries: [] }]);
      expect(await store.getOrders([{ ...A, orderId: 'o-1' }])).toEqual([orderOf(A, 'o-1', 0, 0)]);
    });

    it('re-committing a stored seq leaves the stored entry as it is', async () => {
      const [first] = entriesOf(A, 1);
      await commit({ entries: [first] });
      await commit({ entries: [{ ...first, points: 999, balanceAfter: 999 }] });
      expect(await store.listEntries(A, 0, 10)).toEqual([first]);
    });

    it('a batch that breaks the unique idempotency key is refused whole: nothing of it is visible', async () => {
      const [kept] = entriesOf(A, 1);
      await commit({ entries: [kept] });
      const [, second, third] = entriesOf(A, 3);
      const clash = { ...third, idempotencyKey: second.idempotencyKey };
      const bad = commit({
        entries: [entriesOf(B, 1)[0], second, clash],
        orders: [orderOf(B, 'o-1', 0, 0)],
        snapshots: [stateAt(entriesOf(B, 1), 1)],
      });
      await expect(bad).rejects.toThrow();
      expect(await store.listEntries(A, 0, 10)).toEqual([kept]);
      expect(await store.loadMembers([B])).toEqual([{ snapshot: null, entries: [] }]);
      expect(await store.getOrders([{ ...B, orderId: 'o-1' }])).toEqual([undefined]);
    });

    it('everything committed survives close and reopen', async () => {
      const a = entriesOf(A, 4);
      await commit({ entries: a, orders: [orderOf(A, 'o-1', 6_000, 59)], snapshots: [stateAt(a, 2)] });
      await store.close();
      store = await open();
      expect(await store.loadMembers([A])).toEqual([{ snapshot: stateAt(a, 2), entries: a.slice(2) }]);
      expect(await store.listEntries(A, 0, 10)).toEqual(a);
      expect(await store.findByIdempotencyKeys([{ ...A, idempotencyKey: a[3].idempotencyKey }])).toEqual([a[3]]);
      expect(await store.getOrders([{ ...A, orderId: 'o-1' }])).toEqual([orderOf(A, 'o-1', 6_000, 59)]);
    });

    it('the same member id under two tenants are two separate accounts', async () => {
      const mine = entriesOf(A, 3);
      const theirs = entriesOf(OTHER_TENANT_A, 2, 7);
      await commit({
        entries: [...mine, ...theirs],
        orders: [orderOf(A, 'o-1', 0, 0), orderOf(OTHER_TENANT_A, 'o-1', 100, 1)],
        snapshots: [stateAt(theirs, 1)],
      });
      expect(await store.loadMembers([A, OTHER_TENANT_A])).toEqual([
        { snapshot: null, entries: mine },
        { snapshot: stateAt(theirs, 1), entries: theirs.slice(1) },
      ]);
      expect(await store.listEntries(OTHER_TENANT_A, 0, 10)).toEqual(theirs);
      const key = mine[0].idempotencyKey; // the same key text exists under both tenants
      expect(await store.findByIdempotencyKeys([{ ...A, idempotencyKey: key }, { ...OTHER_TENANT_A, idempotencyKey: key }])).toEqual([
        mine[0],
        theirs[0],
      ]);
      expect(await store.getOrders([{ ...A, orderId: 'o-1' }, { ...OTHER_TENANT_A, orderId: 'o-1' }])).toEqual([
        orderOf(A, 'o-1', 0, 0),
        orderOf(OTHER_TENANT_A, 'o-1', 100, 1),
      ]);
    });

    it('activation after a cached state reads the entries from its seq on, and no snapshot', async () => {
      const a = entriesOf(A, 5);
      await commit({ entries: a, snapshots: [stateAt(a, 2)] });
      expect(await store.loadMembers([{ ...A, afterSeq: 3 }, { ...B, afterSeq: 4 }])).toEqual([
        { snapshot: null, entries: a.slice(2) },
        { snapshot: null, entries: [] },
      ]);
    });

    it('an empty ledger has an empty outbox at position 0', async () => {
      expect(await store.outboxPosition()).toEqual({ lastId: 0, publishedId: 0 });
      expect(await store.readOutbox(0, 10)).toEqual([]);
    });

    it('outbox records commit with their batch and read back in id order after a cursor', async () => {
      const a = entriesOf(A, 3);
      await commit({ entries: a.slice(0, 2), outbox: [outboxOf(1, a.slice(0, 2)), outboxOf(2, [])] });
      await commit({ entries: a.slice(2), outbox: [outboxOf(3, a.slice(2))] });
      expect(await store.outboxPosition()).toEqual({ lastId: 3, publishedId: 0 });
      expect((await store.readOutbox(0, 10)).map((r) => r.id)).toEqual([1, 2, 3]);
      expect((await store.readOutbox(1, 1)).map((r) => r.id)).toEqual([2]);
      expect((await store.readOutbox(0, 1))[0]).toEqual(outboxOf(1, a.slice(0, 2)));
    });

    it('the published cursor survives a reopen, never moves back, and hides what it covers', async () => {
      const a = entriesOf(A, 3);
      await commit({ entries: a, outbox: [outboxOf(1, a), outboxOf(2, a), outboxOf(3, a)] });
      await store.markPublished(2);
      await store.markPublished(1);
      await store.close();
      store = await open();
      expect(await store.outboxPosition()).toEqual({ lastId: 3, publishedId: 2 });
      expect((await store.readOutbox(2, 10)).map((r) => r.id)).toEqual([3]);
      await store.markPublished(3);
      expect(await store.outboxPosition()).toEqual({ lastId: 3, publishedId: 3 });
    });

    it('a failed batch leaves no outbox record behind', async () => {
      const [kept] = entriesOf(A, 1);
      await commit({ entries: [kept] });
      const clash = { ...entriesOf(A, 2)[1], idempotencyKey: kept.idempotencyKey };
      await expect(commit({ entries: [clash], outbox: [outboxOf(1, [clash])] })).rejects.toThrow();
      expect(await store.readOutbox(0, 10)).toEqual([]);
    });
  });
}

/** seq 1..n of a member, each an earn of `points`, keys k-1..k-n. */
function entriesOf(ref: MemberRef, n: number, points = 10): LedgerEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    seq: i + 1,
    type: 'earn' as const,
    points,
    balanceAfter: points * (i + 1),
    idempotencyKey: `k-${i + 1}`,
    orderId: `o-${i + 1}`,
    reason: '',
    operator: '',
    amountMinor: points * 100,
    createdAt: 1_750_000_000_000 + i,
    expiresAt: i % 2 === 0 ? 0 : 1_800_000_000_000,
    payloadHash: `${i + 1}`.padStart(16, '0'),
  }));
}

/** The state after the first `seq` entries: what a snapshot at that seq holds. */
function stateAt(entries: LedgerEntry[], seq: number): MemberState {
  const state = emptyState(entries[0].tenantId, entries[0].memberId);
  for (const e of entries.slice(0, seq)) applyEntry(state, e);
  return state;
}

function orderOf(ref: MemberRef, orderId: string, refundedMinor: number, reversedPoints: number): OrderRecord {
  return { ...ref, orderId, amountMinor: 12_345, points: 123, refundedMinor, reversedPoints };
}

function outboxOf(id: number, entries: LedgerEntry[]): OutboxRecord {
  return {
    id,
    envelope: {
      batchId: `0-${id}-earned`,
      tenantId: 'acme',
      event: 'earned',
      events: entries.map((e) => ({
        entryId: `${e.tenantId}:${e.memberId}:${e.seq}`,
        tenantId: e.tenantId,
        memberId: e.memberId,
        seq: e.seq,
        event: 'earned',
        points: e.points,
        balanceAfter: e.balanceAfter,
        orderId: e.orderId,
        idempotencyKey: e.idempotencyKey,
        reason: e.reason,
        createdAt: e.createdAt,
      })),
    },
  };
}
