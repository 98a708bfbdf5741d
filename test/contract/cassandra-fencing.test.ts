// Fencing at the ledger on a real Cassandra node (issue 13; deploy/CLUSTER.md "Fencing at the ledger",
// src/ledger/cassandra/PROTOCOL.md "Fenced mode"): two stores on one keyspace and one ledger shard, an
// owner A at epoch 7 and a newer owner B at epoch 8, interleaved at the commit's steps with the store's
// test hooks. A deposed owner's commit must be refused and nothing it wrote read as committed; epochs
// never go back; a store re-opened after a crash reads exactly the acknowledged commits. The fenced
// store also runs the whole LedgerStore contract.
//
// JIFEN_TEST_LEDGER_FENCE=off runs the same file with the fence's conditions switched off (the test-only
// switch): the fencing tests must then fail, which shows that they really make two owners.

import { describe, expect, it } from 'vitest';
import type { LedgerEntry, OrderRecord } from '../../src/actor/entries.js';
import { CassandraLedgerStore, ShardFenced } from '../../src/ledger/cassandra/cassandra-store.js';
import type { FenceTestHooks } from '../../src/ledger/cassandra/fence.js';
import type { CommitBatch, FollowUp, LedgerStore, MemberRef, OutboxRecord } from '../../src/ledger/store.js';
import { migratedKeyspace, truncateLedger } from '../support/cassandra-keyspace.js';
import { cassandraTarget } from '../support/cassandra-server.js';
import { ledgerStoreContract, outboxOf } from './ledger-store.contract.js';

const target = cassandraTarget();
const FENCE_OFF = process.env.JIFEN_TEST_LEDGER_FENCE === 'off';

const M: MemberRef = { tenantId: 'acme', memberId: 'm-1' };
const N: MemberRef = { tenantId: 'acme', memberId: 'm-2' };
const T = 1_750_000_000_000;
const SHARD = 3;
/** The contract's outbox record, as this file's shard writes it. */
const outbox = (id: number, entries: LedgerEntry[]): OutboxRecord => outboxOf(id, entries, SHARD);

describe.skipIf('skipped' in target)(`Cassandra ledger fencing${FENCE_OFF ? ' (FENCE SWITCHED OFF)' : ''}`, () => {
  if ('skipped' in target) return;
  const { keyspace, admin, settings } = migratedKeyspace(target, 'jifen_fence');
  const cleanup = (): Promise<void> => truncateLedger(admin, keyspace, ['shard_heads']);
  const openAt = (epoch: number, testHooks?: FenceTestHooks): Promise<CassandraLedgerStore> =>
    CassandraLedgerStore.open({ ...settings, shard: SHARD, fence: { epoch, testHooks, testOnlyUnconditional: FENCE_OFF } });

  // Each open of the contract is a new incarnation of the same ownership (epoch 1).
  ledgerStoreContract('CassandraLedgerStore, fenced', () => openAt(1), cleanup);

  describe('two owners of one ledger shard', () => {
    /** Opens stores, closes them all after the test and wipes the keyspace. */
    const withStores = (body: (open: typeof openAt) => Promise<void>) => async () => {
      const opened: CassandraLedgerStore[] = [];
      try {
        await body(async (epoch, hooks) => {
          const store = await openAt(epoch, hooks);
          opened.push(store);
          return store;
        });
      } finally {
        for (const store of opened) await store.close().catch(() => undefined);
        await cleanup();
      }
    };

    it(
      "A's commit after B took the shard at a larger epoch is refused, and nothing of it is read as committed",
      withStores(async (open) => {
        const a = await open(7);
        const [m1] = [entry(M, 1, 'k-1', 10, 10)];
        await a.commit(batch({ entries: [m1], orders: [order(M, 'o-1')], outbox: [outbox(1, [m1])] }));

        const b = await open(8);
        const late = entry(M, 2, 'a-2', 500, 510);
        const aOutcome = await outcomeOf(
          a.commit(
            batch({ entries: [late, entry(N, 1, 'a-n1', 7, 7)], orders: [order(M, 'o-2')], outbox: [outbox(2, [late])], snapshots: [] }),
          ),
        );
        // The checker's rule first (with the fence off this is where two owners show), then the refusal itself.
        await expectAcknowledgedKept(b, aOutcome, late);
        await expectCommitted(b, { m: [m1], n: [], outboxIds: [1], absentKeys: [{ ...M, idempotencyKey: 'a-2' }], absentOrders: ['o-2'] });
        expect(aOutcome).toBeInstanceOf(ShardFenced);
        await expect(a.commit(batch({ entries: [entry(M, 3, 'a-3', 1, 511)] }))).rejects.toBeInstanceOf(ShardFenced);
        // B continues the member from seq 1; its entry, key, order and event are the ones read.
        const mine = entry(M, 2, 'b-2', 20, 30);
        await b.commit(batch({ entries: [mine], orders: [order(M, 'o-3')], outbox: [outbox(2, [mine])] }));
        await expectCommitted(b, {
          m: [m1, mine],
          n: [],
          outboxIds: [1, 2],
          absentKeys: [{ ...M, idempotencyKey: 'a-2' }],
          absentOrders: ['o-2'],
        });
        expect((await b.readOutbox(1, 10))[0].envelope.events[0].idempotencyKey).toBe('b-2');
        // A store opened afresh on the shard (a later owner) reads the same from the ledger alone.
        const c = await open(9);
        await expectCommitted(c, {
          m: [m1, mine],
          n: [],
          outboxIds: [1, 2],
          absentKeys: [{ ...M, idempotencyKey: 'a-2' }],
          absentOrders: ['o-2'],
        });
        await expectAcknowledgedKept(c, aOutcome, late);
      }),
    );

    it.each(['beforeCommitPoint', 'beforeEntries'] as const)(
      "A pauses %s, B commits the same member's next seq, A resumes: A is refused and B's acknowledged commit is intact",
      (pauseAt) =>
        withStores(async (open) => {
          const pause = gate();
          const a = await open(7, { [pauseAt]: () => pause.reached() });
          const m1 = entry(M, 1, 'k-1', 10, 10);
          pause.open(); // A's first commit runs through
          await a.commit(batch({ entries: [m1], outbox: [outbox(1, [m1])] }));
          pause.close();

          // A decides seq 2 for the member and stops inside its commit (a GC pause, SIGSTOP, a stalled VM).
          const aLate = entry(M, 2, 'a-2', 500, 510);
          const aCommit = outcomeOf(
            a.commit(batch({ entries: [aLate], orders: [order(M, 'o-a')], outbox: [outbox(2, [aLate])], followUps: [followUp(1, 'a')] })),
          );
          await pause.waitReached();

          // A's lease expires; B takes the shard, activates the member from the ledger and commits its seq 2.
          const b = await open(8);
          const [history] = await b.loadMembers([M]);
          expect(history.entries).toEqual([m1]);
          const bNext = entry(M, 2, 'b-2', 20, 30);
          await b.commit(batch({ entries: [bNext], orders: [order(M, 'o-b')], outbox: [outbox(2, [bNext])] }));

          pause.open(); // A wakes and sends what it had prepared
          const outcome = await aCommit;
          await expectAcknowledgedKept(b, outcome, aLate);

          const absentKeys = [{ ...M, idempotencyKey: 'a-2' }];
          await expectCommitted(b, { m: [m1, bNext], n: [], outboxIds: [1, 2], absentKeys, absentOrders: ['o-a'] });
          expect((await b.readOutbox(0, 10)).map((r) => r.envelope.events[0]?.idempotencyKey)).toEqual(['k-1', 'b-2']);
          expect(await b.pendingFollowUps(10)).toEqual([]);
          expect(outcome).toBeInstanceOf(ShardFenced);
          // B goes on: seq 3 follows B's chain.
          const bThird = entry(M, 3, 'b-3', 5, 35);
          await b.commit(batch({ entries: [bThird], outbox: [outbox(3, [bThird])] }));
          const c = await open(9);
          await expectCommitted(c, { m: [m1, bNext, bThird], n: [], outboxIds: [1, 2, 3], absentKeys, absentOrders: ['o-a'] });
          expect(await c.pendingFollowUps(10)).toEqual([]);
        })(),
    );

    it(
      "a deposed owner's order version is not made valid by the new owner committing another of its commands at that seq",
      withStores(async (open) => {
        const pause = gate();
        const a = await open(7, { beforeCommitPoint: () => pause.reached() });
        const m1 = entry(M, 1, 'k-1', 10, 10);
        pause.open();
        await a.commit(batch({ entries: [m1], outbox: [outbox(1, [m1])] }));
        pause.close();

        // A decides two commands of the member, an earn of o-x at seq 2 and another at seq 3, writes their
        // pointers and entries, and stops before its commit point (a SIGSTOP, a stalled VM).
        const aEarn = { ...entry(M, 2, 'a-2', 500, 510), orderId: 'o-x' };
        const aOther = entry(M, 3, 'k-3', 5, 515);
        const aCommit = outcomeOf(
          a.commit(batch({ entries: [aEarn, aOther], orders: [order(M, 'o-x')], outbox: [outbox(2, [aEarn, aOther])] })),
        );
        await pause.waitReached();

        // B takes the shard. The clients retry: k-3 (the same command) lands at seq 3 after another
        // command at seq 2, and a-2's earn of o-x has not been retried yet.
        const b = await open(8);
        const bFirst = entry(M, 2, 'b-2', 20, 30);
        const bRetry = entry(M, 3, 'k-3', 5, 35);
        await b.commit(batch({ entries: [bFirst, bRetry], outbox: [outbox(2, [bFirst, bRetry])] }));

        // o-x was never earned: a-2's retry must find neither its key nor its order, or it would be
        // refused as an order already earned under another key.
        expect(await b.getOrders([{ ...M, orderId: 'o-x' }])).toEqual([undefined]);
        await expectCommitted(b, {
          m: [m1, bFirst, bRetry],
          n: [],
          outboxIds: [1, 2],
          absentKeys: [{ ...M, idempotencyKey: 'a-2' }],
          absentOrders: ['o-x'],
        });

        pause.open();
        const outcome = await aCommit;
        await expectAcknowledgedKept(b, outcome, aEarn);
        expect(outcome).toBeInstanceOf(ShardFenced);
        // The retry then earns o-x at seq 4, and that version is the one read.
        const bEarn = { ...entry(M, 4, 'a-2', 7, 42), orderId: 'o-x' };
        const earned = { ...order(M, 'o-x'), points: 7 };
        await b.commit(batch({ entries: [bEarn], orders: [earned], outbox: [outbox(3, [bEarn])] }));
        expect(await b.getOrders([{ ...M, orderId: 'o-x' }])).toEqual([earned]);
        const c = await open(9);
        expect(await c.getOrders([{ ...M, orderId: 'o-x' }])).toEqual([earned]);
        await expectCommitted(c, { m: [m1, bFirst, bRetry, bEarn], n: [], outboxIds: [1, 2, 3], absentKeys: [], absentOrders: [] });
      }),
    );

    it(
      'epochs never decrease: a takeover at a smaller epoch is refused and the owner keeps committing',
      withStores(async (open) => {
        const b = await open(8);
        const older = await Promise.allSettled([open(7)]);
        // The checker's rule first: the shard's epoch never goes back.
        const query = `SELECT epoch FROM ${keyspace}.shard_heads WHERE shard = ? LIMIT 1`;
        const [row] = (await admin.execute(query, [SHARD], { prepare: true })).rows;
        expect(Number(row['epoch']), "the shard's epoch after a takeover at 7 (held at 8)").toBe(8);
        expect(older[0].status === 'rejected' && older[0].reason).toBeInstanceOf(ShardFenced);
        await expect(open(3)).rejects.toBeInstanceOf(ShardFenced);
        const m1 = entry(M, 1, 'k-1', 10, 10);
        await b.commit(batch({ entries: [m1], outbox: [outbox(1, [m1])] }));
        await expectCommitted(b, { m: [m1], n: [], outboxIds: [1], absentKeys: [], absentOrders: [] });
      }),
    );

    it(
      'a store re-opened at epoch 8 after a crash reads exactly the acknowledged commits, and the crashed one is refused when it resumes',
      withStores(async (open) => {
        const crash = gate();
        const b = await open(8, { beforeCommitPoint: () => crash.reached() });
        crash.open();
        const m = [entry(M, 1, 'k-1', 10, 10), entry(M, 2, 'k-2', 10, 20)];
        const n1 = entry(N, 1, 'n-1', 3, 3);
        await b.commit(batch({ entries: [m[0], n1], outbox: [outbox(1, [m[0], n1])], orders: [order(M, 'o-1')] }));
        await b.commit(batch({ entries: [m[1]], outbox: [outbox(2, [m[1]])], followUps: [followUp(5, 'acked')] }));
        crash.close();

        // The third commit has written its pointers and entries when the process dies (never acknowledged).
        const lost = [entry(M, 3, 'k-3', 10, 30), entry(N, 2, 'n-2', 4, 7)];
        const crashed = outcomeOf(
          b.commit(batch({ entries: lost, outbox: [outbox(3, lost)], orders: [order(M, 'o-3')], followUps: [followUp(9, 'lost')] })),
        );
        await crash.waitReached();

        const again = await open(8); // the owner restarted, same ownership
        const absentKeys = [
          { ...M, idempotencyKey: 'k-3' },
          { ...N, idempotencyKey: 'n-2' },
        ];
        await expectCommitted(again, { m, n: [n1], outboxIds: [1, 2], absentKeys, absentOrders: ['o-3'] });
        expect((await again.pendingFollowUps(10)).map((f) => f.id)).toEqual([5]);
        // The restarted owner commits the member's seq 3 differently; then the crashed commit's late rest arrives.
        const redo = entry(M, 3, 'k-3b', 1, 21);
        await again.commit(batch({ entries: [redo], outbox: [outbox(3, [redo])] }));
        crash.open();
        const outcome = await crashed;
        await expectAcknowledgedKept(again, outcome, lost[0]);
        await expectCommitted(again, { m: [...m, redo], n: [n1], outboxIds: [1, 2, 3], absentKeys, absentOrders: ['o-3'] });
        expect((await again.pendingFollowUps(10)).map((f) => f.id)).toEqual([5]);
        expect(outcome).toBeInstanceOf(ShardFenced);
      }),
    );
  });

  /**
   * The checker's rule for a commit the test raced: acknowledged, it is in what the newest owner reads
   * (found by its key, exactly); refused, it is not. With the fence off, a deposed owner's commit is
   * acknowledged and then lost (the newer owner's commit at the same seq wins): this is where it shows.
   */
  async function expectAcknowledgedKept(store: LedgerStore, outcome: unknown, acked: LedgerEntry): Promise<void> {
    const ref = { tenantId: acked.tenantId, memberId: acked.memberId, idempotencyKey: acked.idempotencyKey };
    const [found] = await store.findByIdempotencyKeys([ref]);
    if (outcome === 'applied') expect(found, `the acknowledged commit of ${acked.idempotencyKey} (seq ${acked.seq})`).toEqual(acked);
    else expect(found).toBeUndefined();
  }

  /** What a store must read as committed: exactly these entries of M and N and outbox ids, and none of the absent keys and orders. */
  async function expectCommitted(
    store: LedgerStore,
    want: {
      m: LedgerEntry[];
      n: LedgerEntry[];
      outboxIds: number[];
      absentKeys: (MemberRef & { idempotencyKey: string })[];
      absentOrders: string[];
    },
  ): Promise<void> {
    const [hm, hn] = await store.loadMembers([M, N]);
    expect(hm.entries.filter((e) => e.seq > (hm.snapshot?.seq ?? 0))).toEqual(want.m.filter((e) => e.seq > (hm.snapshot?.seq ?? 0)));
    expect(hn.entries).toEqual(want.n);
    expect(await store.listEntries(M, 0, 100)).toEqual(want.m);
    expect(await store.listEntries(N, 0, 100)).toEqual(want.n);
    const keys = [...want.m, ...want.n].map((e) => ({ tenantId: e.tenantId, memberId: e.memberId, idempotencyKey: e.idempotencyKey }));
    expect(await store.findByIdempotencyKeys(keys)).toEqual([...want.m, ...want.n]);
    expect(await store.findByIdempotencyKeys(want.absentKeys)).toEqual(want.absentKeys.map(() => undefined));
    expect(await store.getOrders(want.absentOrders.map((orderId) => ({ ...M, orderId })))).toEqual(want.absentOrders.map(() => undefined));
    const position = await store.outboxPosition();
    expect(position.lastId).toBe(want.outboxIds[want.outboxIds.length - 1] ?? 0);
    expect((await store.readOutbox(0, 100)).map((r) => r.id)).toEqual(want.outboxIds);
  }
});

/** A commit's outcome: 'applied', or the error it was refused with. */
function outcomeOf(commit: Promise<void>): Promise<'applied' | unknown> {
  return commit.then(
    () => 'applied',
    (err: unknown) => err,
  );
}

function batch(parts: Partial<CommitBatch>): CommitBatch {
  return { entries: [], orders: [], snapshots: [], outbox: [], ...parts };
}

function entry(ref: MemberRef, seq: number, key: string, points: number, balanceAfter: number): LedgerEntry {
  return {
    ...ref,
    seq,
    type: 'earn',
    points,
    balanceAfter,
    idempotencyKey: key,
    orderId: `order-${key}`,
    reason: '',
    operator: '',
    amountMinor: points * 100,
    createdAt: T + seq,
    expiresAt: 0,
    payloadHash: key.padStart(16, '0'),
  };
}

function order(ref: MemberRef, orderId: string): OrderRecord {
  return { ...ref, orderId, amountMinor: 1_000, points: 10, refundedMinor: 0, reversedPoints: 0 };
}

function followUp(id: number, tag: string): FollowUp {
  return {
    id,
    command: { kind: 'referral', tenantId: 'acme', memberId: 'm-9', idempotencyKey: `§referral:${tag}`, referredMemberId: tag },
  };
}

/** A gate a commit's test hook waits at while closed; the test waits until a commit has reached it. */
function gate(): { reached: () => Promise<void>; waitReached: () => Promise<void>; open: () => void; close: () => void } {
  let isOpen = false;
  let release: (() => void) | undefined;
  let opened = Promise.resolve();
  let notify: (() => void) | undefined;
  let arrived = new Promise<void>((resolve) => {
    notify = resolve;
  });
  return {
    reached: () => {
      notify?.();
      return isOpen ? Promise.resolve() : opened;
    },
    waitReached: () => arrived,
    open: () => {
      isOpen = true;
      release?.();
    },
    close: () => {
      isOpen = false;
      opened = new Promise<void>((resolve) => {
        release = resolve;
      });
      arrived = new Promise<void>((resolve) => {
        notify = resolve;
      });
    },
  };
}
