// A group commit written in the order that makes it safe without LWT or logged batches (PROTOCOL.md),
// and the rollback of one that failed part-way, which every later call waits for.

import { types } from 'cassandra-driver';
import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { OutboxRecord } from '../outbox.js';
import type { RollForwardRow } from '../../reports/roll-forward.js';
import type { CommitBatch, FollowUp, MemberRef } from '../store.js';
import { CQL, type FollowUpIntent, type IntentEntry, type Statement, insertEntryOf } from './cql.js';
import type { DueIndex } from './due-index.js';
import { netDues } from './due-index.js';
import { IdempotencyKeyTaken, LedgerUnsettled } from './errors.js';
import { FenceUncertain, type ShardFence, ShardFenced, fullRow } from './fence.js';
import type { FollowUps } from './follow-ups.js';
import { entryBucketOf, outboxBucketOf } from './layout.js';
import { mapBounded } from './map-bounded.js';
import type { OutboxCursor } from './outbox-cursor.js';
import { entryDeleteGroups, groupBy } from './partition-groups.js';
import type { LedgerReads } from './reads.js';
import type { RollForwardRows } from './roll-forward-rows.js';
import type { CqlSession } from './session.js';
import { type WriterKnowledge, memberKey } from './writer-knowledge.js';

interface Rollback {
  entries: LedgerEntry[];
  outboxIds: number[];
  /** The batch's follow-up intent, when it had follow-ups. */
  intent: FollowUpIntent | undefined;
  /** The batch's roll-forward rows, put back to the last acknowledged ones. */
  rollForward: RollForwardRow[];
  cause: unknown;
}

/** Fenced mode: what a valid commit still has to write after its commit point (retried before any other call). */
interface AfterCommitPoint {
  intent: FollowUpIntent | undefined;
  rollForward: RollForwardRow[];
  through: number;
}

export class GroupCommit {
  private unsettled: Rollback | undefined;
  private settling: Promise<void> | undefined;
  private unfinished: AfterCommitPoint | undefined;

  constructor(
    private readonly session: CqlSession,
    private readonly shard: number,
    private readonly knowledge: WriterKnowledge,
    private readonly reads: LedgerReads,
    private readonly due: DueIndex,
    private readonly outbox: OutboxCursor,
    private readonly followUps: FollowUps,
    private readonly rollForward: RollForwardRows,
    /** Fenced mode (fence.ts): the commit point is an LWT after the entries; 2b and 2c follow it. */
    private readonly fence?: ShardFence,
  ) {}

  /** Steps 1, 2, 2b and 3; on a failure before step 3 completes, the batch is rolled back and the error rethrown. */
  async commit(batch: CommitBatch): Promise<void> {
    this.fence?.checkNotDeposed(); // a deposed owner writes nothing more
    const outbox = batch.outbox ?? [];
    const toWrite = await this.entriesToWrite(batch.entries);
    const dues = netDues(batch.dues ?? []);
    const intent = followUpIntentOf(batch.followUps ?? [], toWrite);
    const hint = this.outbox.committed;
    // The roll-forward mark after this batch: its last outbox id (the horizon when it has no records).
    const through = Math.max(hint, ...outbox.map((r) => r.id));
    try {
      const inFlight = this.due.noteDueInserts(dues.inserts);
      try {
        const groups = [
          ...pointerGroups(this.shard, batch, toWrite, outbox),
          // Fenced mode needs no hint: the commit point holds the outbox horizon.
          ...(this.fence ? [] : this.outbox.hintGroups()),
          ...this.due.insertGroups(dues.inserts),
        ];
        if (intent) groups.push([this.followUps.intentInsert(intent)]);
        // The batch's follow-up ids count as live from here until completed or rolled back, so the
        // follow-up range never moves past them; it is written first if the stored one does not cover them.
        const followUpRange = intent ? this.followUps.noteCommit(intent) : Promise.resolve();
        const rows = this.fence ? groups.map((g) => g.map(fullRow)) : groups;
        await allSettled([this.session.runAll(rows), inFlight ? this.due.persistDueRange() : Promise.resolve(), followUpRange]); // step 1
      } finally {
        if (inFlight) this.due.insertsSettled(inFlight);
      }
      if (this.fence) {
        await this.fence.hooks.beforeEntries?.();
        await this.writeEntries(toWrite); // step 2
        await this.fence.hooks.beforeCommitPoint?.();
        await this.fence.commitPoint(lastSeqByMember(batch.entries), Math.max(0, ...outbox.map((r) => r.id))); // the commit point
      } else {
        this.outbox.hintStored(hint);
        await this.writeEntries(toWrite); // step 2
        if (intent) await this.followUps.writeOwed(intent); // step 2b
        await this.rollForward.write(batch.rollForward ?? [], through); // step 2c
      }
    } catch (err) {
      for (const ref of membersOf(batch)) {
        this.knowledge.forget(ref.tenantId, ref.memberId);
        this.fence?.forget(ref);
      }
      // Lost the shard (or cannot tell): none of the batch is valid, and a deposed owner writes no rollback.
      if (err instanceof ShardFenced || err instanceof FenceUncertain) throw err;
      const rollForward = batch.rollForward ?? [];
      this.unsettled = { entries: toWrite, outboxIds: outbox.map((r) => r.id), intent, rollForward, cause: err };
      await this.settle().catch(() => undefined); // retried by every later call if it fails now
      throw err;
    }
    if (this.fence) {
      this.unfinished = { intent, rollForward: batch.rollForward ?? [], through };
      await this.finish().catch(() => undefined); // the commit is valid: retried before any other call if it fails now
    }
    this.rollForward.acknowledged(batch.rollForward ?? [], through);
    for (const [tenantId, memberId, seq] of lastSeqByMember(toWrite)) this.knowledge.noteCommitted(tenantId, memberId, seq);
    this.outbox.noteCommitted(outbox);
    await Promise.all([this.writeSnapshots(batch.snapshots), this.due.deleteDueRows(dues.deletes)]); // step 3
  }

  /** Retries the pending rollback, if any; until it is written the store answers nothing. */
  settle(): Promise<void> {
    if (this.unfinished) return this.finish();
    if (!this.unsettled) return Promise.resolve();
    this.settling ??= this.rollBack(this.unsettled).finally(() => {
      this.settling = undefined;
    });
    return this.settling;
  }

  /**
   * Fenced mode, after the commit point: 2b (the follow-ups owed, the intent deleted) and 2c (the
   * roll-forward rows). A crash before they are written leaves the intent, which the next open completes
   * (its entries are committed), and a roll-forward backlog.
   */
  private async finish(): Promise<void> {
    const unfinished = this.unfinished;
    if (!unfinished) return;
    if (unfinished.intent) await this.followUps.writeOwed(unfinished.intent);
    await this.rollForward.write(unfinished.rollForward, unfinished.through);
    if (this.unfinished === unfinished) this.unfinished = undefined;
  }

  /**
   * The batch's entries minus those already stored, after refusing the batch whole if it would give
   * an idempotency key a second entry. What the writer knowledge does not answer is read (the engine
   * looks every key up right before it decides, so on its path nothing is read here).
   */
  private async entriesToWrite(entries: LedgerEntry[]): Promise<LedgerEntry[]> {
    const inBatch = new Map<string, LedgerEntry>();
    const toWrite: LedgerEntry[] = [];
    const toCheck: LedgerEntry[] = [];
    for (const e of entries) {
      const key = `${memberKey(e.tenantId, e.memberId)}\u0000${e.idempotencyKey}`;
      const twin = inBatch.get(key);
      if (twin) {
        if (twin.seq === e.seq) continue;
        throw new IdempotencyKeyTaken(e.tenantId, e.memberId, e.idempotencyKey, twin.seq, e.seq);
      }
      inBatch.set(key, e);
      const known = this.knowledge.get(e.tenantId, e.memberId);
      if (known && e.seq <= known.durableSeq) continue; // already stored: left as it is
      if (known && (known.empty || known.freeKeys.has(e.idempotencyKey))) toWrite.push(e);
      else toCheck.push(e);
    }
    if (toCheck.length === 0) return toWrite;
    const [byKey, atSeq] = await Promise.all([
      this.reads.lookupKeys(toCheck),
      mapBounded(toCheck, this.session.concurrency, (e) => this.reads.readEntry(e, e.seq)),
    ]);
    for (let i = 0; i < toCheck.length; i++) {
      const e = toCheck[i];
      const taken = byKey[i];
      if (taken && taken.seq !== e.seq) throw new IdempotencyKeyTaken(e.tenantId, e.memberId, e.idempotencyKey, taken.seq, e.seq);
      // An entry that exists at LOCAL_QUORUM is a committed one (failed writes are fenced before anything
      // is read), so it stays as it is.
      if (!atSeq[i]) toWrite.push(e);
    }
    return toWrite;
  }

  /** Step 2: per member, its bucket partitions in ascending order (a later seq never lands before an earlier one). */
  private async writeEntries(toWrite: LedgerEntry[]): Promise<void> {
    const members = [...groupBy(toWrite, (e) => memberKey(e.tenantId, e.memberId)).values()];
    await mapBounded(members, this.session.concurrency, async (entries) => {
      const buckets = [...groupBy(entries, (e) => entryBucketOf(e.seq))].sort(([a], [b]) => a - b);
      const insert = this.fence ? (e: LedgerEntry) => fullRow(insertEntryOf(e)) : insertEntryOf;
      for (const [, inBucket] of buckets) await this.session.writeGroup(inBucket.map(insert));
    });
  }

  private async writeSnapshots(snapshots: MemberState[]): Promise<void> {
    try {
      await mapBounded(snapshots, this.session.concurrency, (s) =>
        this.session.execute(CQL.insertSnapshot, [
          s.tenantId,
          s.memberId,
          s.seq,
          JSON.stringify(s),
          // Fenced: ordered by the fence token first, so a deposed owner's snapshot never hides a newer owner's.
          this.fence ? this.fence.snapshotTimestamp(s.seq) : s.seq,
        ]),
      );
    } catch {
      // The entries are durable; without this snapshot activation replays a little more. Not a failed commit.
    }
  }

  /**
   * Follow-ups retracted first (an owed row must never outlive an entry of its batch), then entries,
   * then outbox rows and the follow-up intent only once every entry delete is acknowledged: they are
   * what tells open() which entries to check after a crash, so they must outlive them.
   */
  private async rollBack(rollback: Rollback): Promise<void> {
    const { intent } = rollback;
    const outboxGroups: Statement[][] = [];
    for (const [bucket, ids] of groupBy(rollback.outboxIds, outboxBucketOf)) {
      outboxGroups.push(ids.map((id) => ({ query: CQL.deleteOutboxRow, params: [this.shard, bucket, id] })));
    }
    if (intent) outboxGroups.push([this.followUps.intentDelete(intent)]);
    try {
      if (intent) await this.followUps.retract(intent);
      await this.session.runAll(entryDeleteGroups(rollback.entries));
      await this.rollForward.rollBack(rollback.rollForward);
      await this.session.runAll(outboxGroups);
    } catch (err) {
      throw new LedgerUnsettled(err);
    }
    if (intent) this.followUps.rolledBack(intent);
    if (this.unsettled === rollback) this.unsettled = undefined;
  }
}

/**
 * Step 1, less the due rows, the committed hint and the intent: everything that points at the batch's
 * entries (key rows, order versions, outbox records), grouped into single-partition batches.
 */
function pointerGroups(shard: number, batch: CommitBatch, toWrite: LedgerEntry[], outbox: OutboxRecord[]): Statement[][] {
  const groups: Statement[][] = [];
  for (const entries of groupBy(toWrite, (e) => memberKey(e.tenantId, e.memberId)).values()) {
    groups.push(entries.map((e) => ({ query: CQL.insertKey, params: [e.tenantId, e.memberId, e.idempotencyKey, e.seq] })));
  }
  const tags = orderTags(batch.entries);
  for (const orders of groupBy(batch.orders, (o) => memberKey(o.tenantId, o.memberId)).values()) {
    groups.push(
      orders.map((o) => {
        const tag = tagOf(tags, o);
        return {
          query: CQL.insertOrder,
          params: [
            o.tenantId,
            o.memberId,
            o.orderId,
            tag?.seq ?? 0,
            o.amountMinor,
            o.points,
            o.refundedMinor,
            o.reversedPoints,
            tag?.idempotencyKey ?? '',
            tag?.payloadHash ?? '',
            // unset, not null: an order without them writes no tombstone.
            o.metricMonth ?? types.unset,
            o.lotExpiresAt ?? types.unset,
            o.lotExpiresAt === undefined ? types.unset : (o.lotAvailableAt ?? 0),
          ],
        };
      }),
    );
  }
  for (const records of groupBy(outbox, (r) => outboxBucketOf(r.id)).values()) {
    groups.push(
      records.map((r) => ({
        query: CQL.insertOutbox,
        params: [shard, outboxBucketOf(r.id), r.id, JSON.stringify(r.envelope)],
      })),
    );
  }
  return groups;
}

interface OrderTags {
  /** Per member and order, the last entry of the batch that carries the order's id. */
  byOrder: Map<string, LedgerEntry>;
  /** Per member, its last entry of the batch. */
  byMember: Map<string, LedgerEntry>;
}

function orderTags(entries: LedgerEntry[]): OrderTags {
  const withOrder = entries.filter((e) => e.orderId !== '');
  return {
    byOrder: lastEntryBy(withOrder, (e) => `${memberKey(e.tenantId, e.memberId)}\u0000${e.orderId}`),
    byMember: lastEntryBy(entries, (e) => memberKey(e.tenantId, e.memberId)),
  };
}

/**
 * The entry an order version is tagged with: the batch's entry that changed the order (earn, reverse
 * and review entries carry its id), else the member's last entry in the batch. Never another command's
 * entry when the order's own is there: a version written by a commit that did not complete (a deposed
 * owner's, say) must not become valid because a later owner commits that other command, retried, at
 * the same seq while the order's own command ends up elsewhere or nowhere.
 */
function tagOf(tags: OrderTags, o: OrderRecord): LedgerEntry | undefined {
  const member = memberKey(o.tenantId, o.memberId);
  return tags.byOrder.get(`${member}\u0000${o.orderId}`) ?? tags.byMember.get(member);
}

/**
 * The intent a batch with follow-ups writes in step 1 (undefined without follow-ups): its follow-ups
 * and the entries it writes.
 */
function followUpIntentOf(followUps: FollowUp[], toWrite: LedgerEntry[]): FollowUpIntent | undefined {
  if (followUps.length === 0) return undefined;
  const entries = toWrite.map((e): IntentEntry => [e.tenantId, e.memberId, e.seq, e.idempotencyKey, e.createdAt]);
  return { id: Math.min(...followUps.map((f) => f.id)), followUps, entries };
}

function lastSeqByMember(entries: LedgerEntry[]): [string, string, number][] {
  return [...lastEntryBy(entries, (e) => memberKey(e.tenantId, e.memberId)).values()].map((e) => [e.tenantId, e.memberId, e.seq]);
}

/** The entry with the highest seq for each key. */
function lastEntryBy(entries: LedgerEntry[], keyOf: (e: LedgerEntry) => string): Map<string, LedgerEntry> {
  const last = new Map<string, LedgerEntry>();
  for (const e of entries) {
    const key = keyOf(e);
    const known = last.get(key);
    if (!known || known.seq < e.seq) last.set(key, e);
  }
  return last;
}

function membersOf(batch: CommitBatch): MemberRef[] {
  const refs = new Map<string, MemberRef>();
  for (const r of [...batch.entries, ...batch.orders, ...batch.snapshots]) {
    refs.set(memberKey(r.tenantId, r.memberId), { tenantId: r.tenantId, memberId: r.memberId });
  }
  return [...refs.values()];
}

/** Waits for every promise to settle, then rejects with the first failure (nothing is left running). */
async function allSettled(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
