// The LedgerStore contract: every backend runs this suite. `open` opens the backend's store on its
// current data (so calling it again after close reopens the same ledger); `cleanup` wipes that data.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EntryDetail, type LedgerEntry, type OrderRecord, emptyDetail } from '../../src/actor/entries.js';
import type { WriteCommand } from '../../src/actor/commands.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import type { CommitBatch, DueMember, FollowUp, LedgerStore, MemberRef, OutboxRecord } from '../../src/ledger/store.js';
import { type RollForwardRow, emptyTotals } from '../../src/reports/roll-forward.js';

const A: MemberRef = { tenantId: 'acme', memberId: 'm-1' };
const B: MemberRef = { tenantId: 'acme', memberId: 'm-2' };
const OTHER_TENANT_A: MemberRef = { tenantId: 'globex', memberId: 'm-1' };
const C: MemberRef = { tenantId: 'acme', memberId: 'm-3' };

const DAY = 86_400_000;
const MINUTE = 60_000;
/** An instant in the middle of a day (UTC), so T ± hours stays within one day and T + n·DAY lands n days later. */
const T = 1_750_000_000_000;

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

    it('getOrders keeps the tier-metric month and the lot a refund takes back from; an order without them has none', async () => {
      const withLot: OrderRecord = {
        ...orderOf(A, 'o-lot', 0, 0),
        metricMonth: '2026-11',
        lotExpiresAt: T + 365 * DAY,
        lotAvailableAt: T + 7 * DAY,
      };
      const plain = orderOf(A, 'o-plain', 0, 0);
      await commit({ orders: [withLot, plain] });
      const found = await store.getOrders([
        { ...A, orderId: 'o-lot' },
        { ...A, orderId: 'o-plain' },
      ]);
      expect(found).toEqual([withLot, plain]);
      expect(Object.keys(found[1] ?? {})).not.toContain('metricMonth');
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
      expect(
        await store.findByIdempotencyKeys([
          { ...A, idempotencyKey: key },
          { ...OTHER_TENANT_A, idempotencyKey: key },
        ]),
      ).toEqual([mine[0], theirs[0]]);
      expect(
        await store.getOrders([
          { ...A, orderId: 'o-1' },
          { ...OTHER_TENANT_A, orderId: 'o-1' },
        ]),
      ).toEqual([orderOf(A, 'o-1', 0, 0), orderOf(OTHER_TENANT_A, 'o-1', 100, 1)]);
    });

    it('activation after a cached state reads the entries from its seq on, and no snapshot', async () => {
      const a = entriesOf(A, 5);
      await commit({ entries: a, snapshots: [stateAt(a, 2)] });
      expect(
        await store.loadMembers([
          { ...A, afterSeq: 3 },
          { ...B, afterSeq: 4 },
        ]),
      ).toEqual([
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

    it('an entry keeps its detail through every read; an entry without one reads back without the property', async () => {
      const [plain, second, third] = entriesOf(A, 3);
      const rich: LedgerEntry = { ...second, detail: richDetail() };
      const bare: LedgerEntry = { ...third, detail: emptyDetail(7) };
      await commit({ entries: [plain, rich, bare] });
      const check = (entries: (LedgerEntry | undefined)[]) => {
        expect(entries).toEqual([plain, rich, bare]);
        expect(entries[0]).not.toHaveProperty('detail');
        expect(entries[1]?.detail).toEqual(richDetail());
        expect(entries[2]?.detail).toEqual(emptyDetail(7));
      };
      check((await store.loadMembers([A]))[0].entries);
      check(await store.listEntries(A, 0, 10));
      check(await store.findByIdempotencyKeys([plain, rich, bare].map((e) => ({ ...A, idempotencyKey: e.idempotencyKey }))));
      await store.close();
      store = await open();
      check(await store.listEntries(A, 0, 10));
    });

    it('the due index answers the members due up to an instant, soonest first, at most limit', async () => {
      await commit({
        dues: [
          { ...A, from: 0, to: T + 3 * DAY },
          { ...B, from: 0, to: T + 1_000 },
          { ...C, from: 0, to: T + 2 * DAY + 5 },
        ],
      });
      expect(await store.dueMembers(T + 999, 10)).toEqual([]);
      expect(await store.dueMembers(T + 1_000, 10)).toEqual([due(B, T + 1_000)]);
      expect(await store.dueMembers(T + 2 * DAY + 4, 10)).toEqual([due(B, T + 1_000)]);
      expect(await store.dueMembers(T + 10 * DAY, 10)).toEqual([due(B, T + 1_000), due(C, T + 2 * DAY + 5), due(A, T + 3 * DAY)]);
      expect(await store.dueMembers(T + 10 * DAY, 2)).toEqual([due(B, T + 1_000), due(C, T + 2 * DAY + 5)]);
      expect(await store.dueMembers(T + 2 * DAY + 5, 1)).toEqual([due(B, T + 1_000)]);
      expect(await store.dueMembers(T + 1_000, 0)).toEqual([]);
    });

    it("a commit moves a member's due row (from -> to), removes it (to = 0), and the index survives a reopen", async () => {
      await commit({
        dues: [
          { ...A, from: 0, to: T + 3 * DAY },
          { ...B, from: 0, to: T + 1_000 },
          { ...C, from: 0, to: T + 2 * DAY + 5 },
        ],
      });
      expect(await store.dueMembers(T + 1_000, 10)).toEqual([due(B, T + 1_000)]);
      // With entries, as the engine commits them: B moves later, C earlier than anything indexed, A leaves.
      const move = {
        entries: entriesOf(A, 1),
        dues: [
          { ...B, from: T + 1_000, to: T + 4 * DAY },
          { ...C, from: T + 2 * DAY + 5, to: T - 5 * DAY },
          { ...A, from: T + 3 * DAY, to: 0 },
        ],
      };
      await commit(move);
      const moved = [due(C, T - 5 * DAY), due(B, T + 4 * DAY)];
      expect(await store.dueMembers(T + 10 * DAY, 10)).toEqual(moved);
      expect(await store.dueMembers(T + 1_000, 10)).toEqual([due(C, T - 5 * DAY)]);
      await commit(structuredClone(move)); // a retried commit moves nothing twice
      expect(await store.dueMembers(T + 10 * DAY, 10)).toEqual(moved);
      await store.close();
      store = await open();
      expect(await store.dueMembers(T + 10 * DAY, 10)).toEqual(moved);
      await commit({ dues: [{ ...C, from: T - 5 * DAY, to: 0 }] });
      expect(await store.dueMembers(T + 10 * DAY, 10)).toEqual([due(B, T + 4 * DAY)]);
    });

    it('members due at the same instant are all found, page by page, as rows are taken off', async () => {
      const members = [A, B, C, OTHER_TENANT_A];
      await commit({ dues: [...members.map((m) => ({ ...m, from: 0, to: T })), { ...A, from: 0, to: 0 }] });
      const seen: DueMember[] = [];
      for (let round = 0; round < members.length; round++) {
        const [first, ...rest] = await store.dueMembers(T + DAY, 1);
        expect(rest).toEqual([]);
        expect(first.at).toBe(T);
        seen.push(first);
        await commit({ dues: [{ tenantId: first.tenantId, memberId: first.memberId, from: T, to: 0 }] });
      }
      expect(await store.dueMembers(T + DAY, 10)).toEqual([]);
      expect(seen.map((d) => `${d.tenantId}/${d.memberId}`).sort()).toEqual(members.map((m) => `${m.tenantId}/${m.memberId}`).sort());
      // A member indexed again at an instant the index has already passed is found again.
      await commit({ dues: [{ ...B, from: 0, to: T - 1 }] });
      expect(await store.dueMembers(T + DAY, 10)).toEqual([due(B, T - 1)]);
    });

    it('a refused batch moves no due row', async () => {
      const [kept] = entriesOf(A, 1);
      await commit({ entries: [kept], dues: [{ ...A, from: 0, to: T }] });
      const clash = { ...entriesOf(A, 2)[1], idempotencyKey: kept.idempotencyKey };
      await expect(commit({ entries: [clash], dues: [{ ...A, from: T, to: T + DAY }] })).rejects.toThrow();
      expect(await store.dueMembers(T + 2 * DAY, 10)).toEqual([due(A, T)]);
    });

    it('an empty ledger owes no follow-ups', async () => {
      expect(await store.pendingFollowUps(10)).toEqual([]);
    });

    it('follow-ups commit with their batch and come back oldest first, commands intact, at most limit', async () => {
      const a = entriesOf(A, 2);
      const b = entriesOf(B, 1);
      const first = [followUpOf(2, referral(C, B)), followUpOf(1, earnFor(A))];
      await commit({ entries: [a[0], b[0]], outbox: [outboxOf(1, [a[0], b[0]])], followUps: first });
      await commit({ entries: [a[1]], outbox: [outboxOf(2, [a[1]])], followUps: [followUpOf(3, referral(OTHER_TENANT_A, A))] });
      await commit({ entries: entriesOf(C, 1) }); // a batch without follow-ups adds none
      const all = [followUpOf(1, earnFor(A)), followUpOf(2, referral(C, B)), followUpOf(3, referral(OTHER_TENANT_A, A))];
      expect(await store.pendingFollowUps(10)).toEqual(all);
      expect(await store.pendingFollowUps(2)).toEqual(all.slice(0, 2));
      expect(await store.pendingFollowUps(0)).toEqual([]);
      // The batches themselves are committed as usual.
      expect(await store.listEntries(A, 0, 10)).toEqual(a);
      expect(await store.listEntries(B, 0, 10)).toEqual(b);
    });

    it('completeFollowUps forgets exactly the given ids', async () => {
      const ups = [1, 2, 3, 4].map((id) => followUpOf(id, referral(C, A, `m-${id}`)));
      await commit({ entries: entriesOf(A, 2), followUps: ups.slice(0, 2) });
      await commit({ entries: entriesOf(A, 3).slice(2), followUps: ups.slice(2) });
      await store.completeFollowUps([3, 1]);
      expect(await store.pendingFollowUps(10)).toEqual([ups[1], ups[3]]);
      await store.completeFollowUps([1, 99]); // already forgotten, never owed: nothing happens
      await store.completeFollowUps([]);
      expect(await store.pendingFollowUps(10)).toEqual([ups[1], ups[3]]);
      await store.completeFollowUps([4, 2]);
      expect(await store.pendingFollowUps(10)).toEqual([]);
      expect(await store.listEntries(A, 0, 10)).toEqual(entriesOf(A, 3));
    });

    it('committing a batch with follow-ups twice owes each once', async () => {
      const batch = { entries: entriesOf(B, 2), followUps: [followUpOf(1, referral(A, B)), followUpOf(2, earnFor(C))] };
      await commit(batch);
      await commit(structuredClone(batch));
      expect(await store.pendingFollowUps(10)).toEqual(batch.followUps);
      expect(await store.listEntries(B, 0, 10)).toEqual(batch.entries);
    });

    it("a refused batch leaves no follow-up, and the next batch's follow-ups are owed as usual", async () => {
      const [kept] = entriesOf(A, 1);
      await commit({ entries: [kept], followUps: [followUpOf(1, referral(B, A))] });
      const clash = { ...entriesOf(A, 2)[1], idempotencyKey: kept.idempotencyKey };
      const refused = commit({
        entries: [entriesOf(C, 1)[0], clash],
        outbox: [outboxOf(1, [clash])],
        followUps: [followUpOf(2, referral(B, C)), followUpOf(3, earnFor(B))],
      });
      await expect(refused).rejects.toThrow();
      expect(await store.pendingFollowUps(10)).toEqual([followUpOf(1, referral(B, A))]);
      expect(await store.loadMembers([C])).toEqual([{ snapshot: null, entries: [] }]);
      await commit({ entries: entriesOf(C, 1), followUps: [followUpOf(2, referral(B, C))] });
      expect(await store.pendingFollowUps(10)).toEqual([followUpOf(1, referral(B, A)), followUpOf(2, referral(B, C))]);
    });

    it('follow-ups not completed survive close and reopen; completed ones stay forgotten', async () => {
      const ups = [followUpOf(1, referral(B, A)), followUpOf(2, earnFor(C)), followUpOf(3, referral(C, A, 'm-9'))];
      await commit({ entries: entriesOf(A, 2), outbox: [outboxOf(1, entriesOf(A, 2))], followUps: ups });
      await store.completeFollowUps([2]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([ups[0], ups[2]]);
      expect(await store.listEntries(A, 0, 10)).toEqual(entriesOf(A, 2));
      await store.completeFollowUps([1]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([ups[2]]);
    });

    it('follow-ups spread over several minutes all come back oldest first, also after reopens that follow their delivery', async () => {
      // Ids as the engine numbers them (the clock in microseconds), a minute apart: a backend that
      // buckets follow-ups by id finds them in several buckets, and one batch's in two.
      const minute = (n: number, k = 0) => (T + n * MINUTE) * 1000 + k;
      const ups = [
        followUpOf(minute(0, 1), referral(B, A)),
        followUpOf(minute(0, 2), earnFor(C)),
        followUpOf(minute(1, 5), referral(C, A, 'm-7')),
        followUpOf(minute(2), referral(OTHER_TENANT_A, B)),
        followUpOf(minute(5), earnFor(A)),
      ];
      const a = entriesOf(A, 3);
      await commit({ entries: [a[0]], followUps: ups.slice(0, 2) });
      await commit({ entries: [a[1]], followUps: [ups[3], ups[2]] }); // one batch, two days
      await commit({ entries: [a[2]], followUps: [ups[4]] });
      expect(await store.pendingFollowUps(10)).toEqual(ups);
      expect(await store.pendingFollowUps(3)).toEqual(ups.slice(0, 3));
      await store.completeFollowUps([ups[0].id, ups[1].id, ups[3].id]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([ups[2], ups[4]]);
      await store.completeFollowUps([ups[2].id]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([ups[4]]);
      await store.completeFollowUps([ups[4].id]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([]);
      expect(await store.listEntries(A, 0, 10)).toEqual(a);
    });

    it('follow-ups numbered below every one delivered before (a clock set back) are still owed after a reopen', async () => {
      const later = [followUpOf((T + 5 * MINUTE) * 1000, referral(B, A))];
      const earlier = [followUpOf((T + MINUTE) * 1000, referral(C, A)), followUpOf((T + 3 * MINUTE) * 1000, earnFor(B))];
      await commit({ entries: entriesOf(A, 1), followUps: later });
      await store.completeFollowUps([later[0].id]);
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual([]);
      await commit({ entries: entriesOf(A, 2).slice(1), followUps: earlier });
      await store.close();
      store = await open();
      expect(await store.pendingFollowUps(10)).toEqual(earlier);
    });

    it("roll-forward rows commit with their batch: each tenant's newest is its head, a range reads its days and the last row before", async () => {
      await commit({
        entries: entriesOf(A, 1),
        rollForward: [rollForwardRow('acme', '2026-11-01', 10), rollForwardRow('globex', '2026-11-01', 5)],
      });
      await commit({ entries: entriesOf(A, 2).slice(1), rollForward: [rollForwardRow('acme', '2026-11-01', 20)] });
      await commit({ entries: entriesOf(B, 1), rollForward: [rollForwardRow('acme', '2026-11-03', 30)] });
      await commit({ entries: entriesOf(C, 1), rollForward: [rollForwardRow('acme', '2026-11-05', 40)] });
      const heads = async () => (await store.rollForwardHeads()).sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1));
      expect(await heads()).toEqual([rollForwardRow('acme', '2026-11-05', 40), rollForwardRow('globex', '2026-11-01', 5)]);
      expect(await store.readRollForward('acme', '2026-11-02', '2026-11-04')).toEqual({
        before: rollForwardRow('acme', '2026-11-01', 20),
        rows: [rollForwardRow('acme', '2026-11-03', 30)],
      });
      expect(await store.readRollForward('acme', '2026-10-01', '2026-10-31')).toEqual({ before: undefined, rows: [] });
      await store.close();
      store = await open();
      expect(await heads()).toEqual([rollForwardRow('acme', '2026-11-05', 40), rollForwardRow('globex', '2026-11-01', 5)]);
      expect(
        (await store.readRollForward('acme', '2026-11-01', '2026-11-30')).rows.map((r) => [r.day, r.totals.flows.issuedOrders]),
      ).toEqual([
        ['2026-11-01', 20],
        ['2026-11-03', 30],
        ['2026-11-05', 40],
      ]);
    });

    it('a refused batch writes no roll-forward row', async () => {
      const [kept] = entriesOf(A, 1);
      await commit({ entries: [kept], rollForward: [rollForwardRow('acme', '2026-11-01', 10)] });
      const clash = { ...entriesOf(A, 2)[1], idempotencyKey: kept.idempotencyKey };
      await expect(commit({ entries: [clash], rollForward: [rollForwardRow('acme', '2026-11-02', 99)] })).rejects.toThrow();
      expect(await store.rollForwardHeads()).toEqual([rollForwardRow('acme', '2026-11-01', 10)]);
      expect((await store.readRollForward('acme', '2026-11-01', '2026-11-30')).rows).toEqual([rollForwardRow('acme', '2026-11-01', 10)]);
    });

    it('listMembers pages through every member with entries, each once', async () => {
      await commit({ entries: [...entriesOf(A, 2), ...entriesOf(B, 1), ...entriesOf(C, 3), ...entriesOf(OTHER_TENANT_A, 1)] });
      const seen: MemberRef[] = [];
      let after: MemberRef | undefined;
      for (let page = await store.listMembers(after, 2); page.length > 0; page = await store.listMembers(after, 2)) {
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page);
        after = page[page.length - 1];
      }
      const key = (r: MemberRef) => `${r.tenantId}/${r.memberId}`;
      expect(seen.map(key).sort()).toEqual([A, B, C, OTHER_TENANT_A].map(key).sort());
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

/** A roll-forward row whose only figure is `orders` points issued to orders (enough to tell rows apart). */
function rollForwardRow(tenantId: string, day: string, orders: number): RollForwardRow {
  const totals = emptyTotals();
  totals.flows.issuedOrders = orders;
  totals.pending = { '2026-12-31': orders };
  return { tenantId, day, totals };
}

/** seq 1..n of a member, each an earn of `points`, keys k-1..k-n. */
export function entriesOf(ref: MemberRef, n: number, points = 10): LedgerEntry[] {
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

/** A detail with every field filled (text outside ASCII included), as a program decision writes it. */
function richDetail(): EntryDetail {
  return {
    programVersion: 3,
    breakdown: [
      { ruleId: 'base', points: 10 },
      { ruleId: '双倍积分-周末', points: 10 },
    ],
    pendingPoints: 5,
    availableAt: 1_750_600_000_000,
    dayKey: '2025-06-15',
    monthKey: '2025-06',
    metricMonth: '2025-06',
    metricDelta: 12_345,
    tierChange: { from: 'silver', to: 'gold', validUntil: 1_781_000_000_000, reason: 'upgrade' },
    activity: { behaviourId: 'check-in', activity: 'daily', targetId: 'store-7', streak: 4 },
    enrolment: { birthday: { month: 2, day: 29 }, referrer: 'm-9', channel: 'app' },
    availableAfter: 15,
  };
}

function due(ref: MemberRef, at: number): DueMember {
  return { tenantId: ref.tenantId, memberId: ref.memberId, at };
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

function followUpOf(id: number, command: WriteCommand): FollowUp {
  return { id, command };
}

/** The referrer's reward owed for the member it referred, as the engine derives it. */
function referral(referrer: MemberRef, referred: MemberRef, referredMemberId = referred.memberId): WriteCommand {
  return {
    kind: 'referral',
    tenantId: referrer.tenantId,
    memberId: referrer.memberId,
    idempotencyKey: `§referral:${referredMemberId}`,
    referredMemberId,
  };
}

/** A command with nested data and text outside ASCII, to check that a follow-up's command reads back whole. */
function earnFor(ref: MemberRef): WriteCommand {
  return {
    kind: 'earn',
    tenantId: ref.tenantId,
    memberId: ref.memberId,
    idempotencyKey: '§saga:订单-7',
    orderId: '订单-7',
    amountMinor: 12_345,
    currency: 'CNY',
    items: [
      { sku: 'tea-龙井', category: 'drinks', amountMinor: 10_000, quantity: 2 },
      { sku: 'cup', category: 'ware', amountMinor: 2_345, quantity: 1 },
    ],
    channel: 'app',
    storeId: '',
    occurredAt: 1_750_000_000_000,
  };
}

/** An outbox record of entries' earned events, as shard `shard` writes it. */
export function outboxOf(id: number, entries: LedgerEntry[], shard = 0): OutboxRecord {
  return {
    id,
    envelope: {
      batchId: `${shard}-${id}-earned`,
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
