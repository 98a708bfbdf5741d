// The Cassandra / ScyllaDB ledger (schema: deploy/cql/001_ledger.cql). One keyspace serves every
// shard; a shard's store writes only the members of its slots and its own outbox partitions.
//
// Cassandra gives no atomicity across partitions, and a group commit touches many: per member an
// idempotency-key partition, an orders partition, one or two entry buckets and a snapshot, plus the
// shard's outbox. No logged batch (its batchlog doubles the write cost and still lets readers see
// half of it) and no LWT (several round trips): correctness comes from the ORDER of the writes, from
// readers that trust a derived row only when the entry it points at exists, and from rolling back a
// commit that failed part-way. The entries are the truth; everything else points at them.
//
//   1. Concurrently: the batch's outbox records; per member its idempotency rows (key -> seq) and
//      its order versions (tagged with the member's last seq in the batch and that entry's key/hash).
//   2. Then, per member, its entries: one unlogged batch per bucket partition (atomic and isolated
//      on each replica), buckets in ascending order, members concurrently.
//   3. Then the snapshots, each written with USING TIMESTAMP <seq> (a failure here is ignored:
//      a snapshot only shortens replay, and entries are already durable).
//   commit() resolves after step 2, so an acknowledged write has all of 1 and 2 at LOCAL_QUORUM.
//
// Why that is enough, for any instant at which a commit can stop (error, timeout, kill -9):
//   - An entry that exists was written in step 2, after step 1 completed, so its idempotency row,
//     its order version and its outbox event exist too: a retry of its key finds it (no double apply),
//     a later reverse sees its refund, and its event is published. Within a member, an entry's
//     existence implies every lower seq exists (earlier commits completed first; buckets ascend).
//   - A row from step 1 whose entry does not exist (or holds another decision) is ignored by readers:
//     findByIdempotencyKeys reads the entry and compares the key; getOrders takes the newest version
//     whose entry matches; the outbox relay only reads ids of commits that completed (below).
//   - A snapshot exists only for seqs whose entries exist (step 3 follows step 2).
//   - A commit that fails in this process is rolled back before the store answers anything else:
//     its entry rows, then (once those deletes are acknowledged) its outbox rows, are deleted with a
//     newer timestamp than the failed writes, so a late replica or hint carrying them cannot bring
//     them back; the engine (which dropped the actors and refused the batch) re-activates from a
//     ledger without them and re-decides, reusing the outbox ids. While the rollback cannot be
//     written, every call fails (LedgerUnsettled) rather than show half a batch. The outbox rows go
//     last because they are what open() uses to find the entries of an unfinished commit.
//   - After a crash, open() checks the outbox tail the last process may not have finished (ids after
//     the persisted committed_id hint): each event's entry is read; present -> rewritten as it is and
//     the event kept; absent -> its row deleted and the event dropped; the record is rewritten with
//     the kept events. Every row of the tail then carries a timestamp newer than anything the dead
//     process sent, so none of its late writes or rollbacks can change the outcome. Only then does the
//     store serve, so no engine write races these fences. The relay publishes only ids up to what
//     this process committed or recovered.
// What that does not cover (see deploy/README.md): clocks of engine nodes skewed by more than a
// slot hand-over (a fence or overwrite ordered by wall clock), and a single writer per member, which
// the slot leases must guarantee.

import { Client, policies, types } from 'cassandra-driver';
import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { EventEnvelope } from '../../events/event-publisher.js';
import type {
  CommitBatch,
  KeyRef,
  LedgerStore,
  MemberHistory,
  MemberLoad,
  MemberRef,
  OrderRef,
  OutboxPosition,
  OutboxRecord,
} from '../store.js';
import { CQL, type Statement, deleteEntryOf, entryOf, insertEntryOf, long, orderOf } from './cql.js';
import { IdempotencyKeyTaken, LedgerLayoutMismatch, LedgerUnsettled } from './errors.js';
import {
  ENTRY_BUCKET_SIZE,
  OUTBOX_BUCKET_SIZE,
  entryBucketOf,
  lastIdOfOutboxBucket,
  lastSeqOfBucket,
  outboxBucketOf,
} from './layout.js';
import { mapBounded } from './map-bounded.js';
import { WriterKnowledge, memberKey } from './writer-knowledge.js';

export interface CassandraStoreOptions {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** The shard this store writes for: its outbox partitions and cursor. */
  shard: number;
  username?: string;
  password?: string;
  /** Requests one call keeps in flight (multi-member reads, a commit's partitions). Default 256. */
  concurrency?: number;
  /** Members whose durable seq and free keys are remembered (see writer-knowledge.ts). Default 262144. */
  knowledgeCapacity?: number;
}

/** What the store needs of a driver client. */
export type CqlClient = Pick<Client, 'execute' | 'batch' | 'shutdown'>;

/** Every read and write: LOCAL_QUORUM, prepared, and safe to retry (fixed keys, client timestamps). */
const QUERY = { prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum } as const;

/** Scylla refuses more than 100 clustering keys in one IN (max_clustering_key_restrictions_per_query). */
const MAX_KEYS_PER_IN = 100;

interface Rollback {
  entries: LedgerEntry[];
  outboxIds: number[];
  cause: unknown;
}

export class CassandraLedgerStore implements LedgerStore {
  private readonly knowledge: WriterKnowledge;
  private readonly concurrency: number;
  /** Highest outbox id whose commit completed (here, or recovered at open): the relay's horizon. */
  private committedId = 0;
  /** The committed_id hint as stored; it lags committedId by one commit (written with the next one). */
  private storedCommittedId = 0;
  private publishedId = 0;
  /** Outbox partitions below this one are deleted (fully published). */
  private firstLiveBucket = 0;
  private unsettled: Rollback | undefined;
  private settling: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly client: CqlClient,
    private readonly shard: number,
    options: CassandraStoreOptions,
  ) {
    this.concurrency = options.concurrency ?? 256;
    this.knowledge = new WriterKnowledge(options.knowledgeCapacity ?? 262_144);
  }

  /** Connects, checks the keyspace's layout and settles the outbox tail a previous process left. */
  static async open(options: CassandraStoreOptions): Promise<CassandraLedgerStore> {
    const client = new Client({
      contactPoints: options.contactPoints,
      localDataCenter: options.localDataCenter,
      keyspace: options.keyspace,
      credentials: options.username ? { username: options.username, password: options.password ?? '' } : undefined,
      queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
      // Client-side, monotonic timestamps: a retry re-sends the same timestamp (an exact overwrite), and a
      // rollback issued after a failed write is always newer than it.
      policies: { timestampGeneration: new policies.timestampGeneration.MonotonicTimestampGenerator(1000, 1000) },
    });
    try {
      await client.connect();
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      throw err;
    }
    return CassandraLedgerStore.openOn(client, options);
  }

  /** The same on a client the caller built (tests use a fake); the store shuts it down on close. */
  static async openOn(client: CqlClient, options: CassandraStoreOptions): Promise<CassandraLedgerStore> {
    try {
      await checkLayout(client, options.keyspace);
      const store = new CassandraLedgerStore(client, options.shard, options);
      await store.recoverOutbox();
      return store;
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      throw err;
    }
  }

  async loadMembers(refs: MemberLoad[]): Promise<MemberHistory[]> {
    await this.settle();
    return mapBounded(refs, this.concurrency, async (ref) => {
      const snapshot = ref.afterSeq === undefined ? await this.readSnapshot(ref) : null;
      // With afterSeq the entry at afterSeq itself is returned too (see MemberLoad).
      const from = ref.afterSeq !== undefined ? Math.max(0, ref.afterSeq - 1) : (snapshot?.seq ?? 0);
      const entries = await this.readEntriesAfter(ref, from, Number.POSITIVE_INFINITY);
      // afterSeq is the caller's claim, not something read here, so it teaches nothing about durability.
      const readSeq = entries.length > 0 ? entries[entries.length - 1].seq : (snapshot?.seq ?? 0);
      this.knowledge.noteRead(ref.tenantId, ref.memberId, readSeq, from === 0 && entries.length === 0);
      return { snapshot, entries };
    });
  }

  async findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    await this.settle();
    const found = await this.lookupKeys(refs);
    for (let i = 0; i < refs.length; i++) {
      if (!found[i]) this.knowledge.noteFreeKeys(refs[i].tenantId, refs[i].memberId, [refs[i].idempotencyKey]);
    }
    return found;
  }

  async getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]> {
    await this.settle();
    return mapBounded(refs, this.concurrency, async (ref) => {
      const versions = await this.selectAll(CQL.orderVersions, [ref.tenantId, ref.memberId, ref.orderId]);
      for (const version of versions) {
        // Newest first. A version tagged with an entry counts only if that entry was committed.
        const seq = long(version['seq']);
        if (seq === 0) return orderOf(ref, version);
        const entry = await this.readEntry(ref, seq);
        if (entry && entry.idempotencyKey === version['entry_key'] && entry.payloadHash === version['entry_hash']) {
          return orderOf(ref, version);
        }
      }
      return undefined;
    });
  }

  async listEntries(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    await this.settle();
    const entries = await this.readEntriesAfter(ref, afterSeq, limit);
    if (entries.length > 0) this.knowledge.noteRead(ref.tenantId, ref.memberId, entries[entries.length - 1].seq, false);
    return entries;
  }

  async commit(batch: CommitBatch): Promise<void> {
    await this.settle();
    const outbox = batch.outbox ?? [];
    const toWrite = await this.entriesToWrite(batch.entries);
    const hint = this.committedId;
    try {
      await this.runAll(this.keysOrdersAndOutbox(batch, toWrite, outbox)); // step 1
      this.storedCommittedId = Math.max(this.storedCommittedId, hint);
      await this.writeEntries(toWrite); // step 2
    } catch (err) {
      for (const ref of membersOf(batch)) this.knowledge.forget(ref.tenantId, ref.memberId);
      this.unsettled = { entries: toWrite, outboxIds: outbox.map((r) => r.id), cause: err };
      await this.settle().catch(() => undefined); // retried by every later call if it fails now
      throw err;
    }
    for (const [tenantId, memberId, seq] of lastSeqByMember(toWrite)) this.knowledge.noteCommitted(tenantId, memberId, seq);
    for (const r of outbox) this.committedId = Math.max(this.committedId, r.id);
    await this.writeSnapshots(batch.snapshots); // step 3
  }

  async outboxPosition(): Promise<OutboxPosition> {
    await this.settle();
    return { lastId: Math.max(this.committedId, this.publishedId), publishedId: this.publishedId };
  }

  async readOutbox(afterId: number, limit: number): Promise<OutboxRecord[]> {
    await this.settle();
    const upper = this.committedId; // never past a commit still in flight or rolled back
    const records: OutboxRecord[] = [];
    let after = afterId;
    for (let bucket = outboxBucketOf(afterId + 1); records.length < limit && after < upper; bucket++) {
      const want = Math.min(limit - records.length, OUTBOX_BUCKET_SIZE);
      const rows = await this.selectAll(CQL.outboxRange, [this.shard, bucket, after, upper, want]);
      for (const row of rows) records.push({ id: long(row['id']), envelope: JSON.parse(row['envelope']) as EventEnvelope });
      after = Math.max(after, lastIdOfOutboxBucket(bucket));
    }
    return records;
  }

  async markPublished(id: number): Promise<void> {
    if (id > this.publishedId) {
      await this.client.execute(CQL.setPublished, [id, id, this.shard], QUERY);
      this.publishedId = id;
    }
    await this.dropPublishedBuckets();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.settle();
      await this.storeCommittedHint(); // saves the next open() from re-checking the last commit
    } catch {
      // open() re-checks whatever the hint does not cover; nothing is lost by skipping it here
    }
    await this.client.shutdown();
  }

  // ---- commit -------------------------------------------------------------------------------

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
      this.lookupKeys(toCheck),
      mapBounded(toCheck, this.concurrency, (e) => this.readEntry(e, e.seq)),
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

  /** Step 1: everything that points at the batch's entries, grouped into single-partition batches. */
  private keysOrdersAndOutbox(batch: CommitBatch, toWrite: LedgerEntry[], outbox: OutboxRecord[]): Statement[][] {
    const groups: Statement[][] = [];
    for (const entries of groupBy(toWrite, (e) => memberKey(e.tenantId, e.memberId)).values()) {
      groups.push(entries.map((e) => ({ query: CQL.insertKey, params: [e.tenantId, e.memberId, e.idempotencyKey, e.seq] })));
    }
    const lastEntry = new Map<string, LedgerEntry>();
    for (const e of batch.entries) {
      const key = memberKey(e.tenantId, e.memberId);
      const last = lastEntry.get(key);
      if (!last || last.seq < e.seq) lastEntry.set(key, e);
    }
    for (const [key, orders] of groupBy(batch.orders, (o) => memberKey(o.tenantId, o.memberId))) {
      const tag = lastEntry.get(key);
      groups.push(
        orders.map((o) => ({
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
          ],
        })),
      );
    }
    for (const records of groupBy(outbox, (r) => outboxBucketOf(r.id)).values()) {
      groups.push(
        records.map((r) => ({
          query: CQL.insertOutbox,
          params: [this.shard, outboxBucketOf(r.id), r.id, JSON.stringify(r.envelope)],
        })),
      );
    }
    // The previous commit is complete: move the recovery hint along at no extra round trip.
    if (this.committedId > this.storedCommittedId) {
      groups.push([{ query: CQL.setCommitted, params: [this.committedId, this.committedId, this.shard] }]);
    }
    return groups;
  }

  /** Step 2: per member, its bucket partitions in ascending order (a later seq never lands before an earlier one). */
  private async writeEntries(toWrite: LedgerEntry[]): Promise<void> {
    const members = [...groupBy(toWrite, (e) => memberKey(e.tenantId, e.memberId)).values()];
    await mapBounded(members, this.concurrency, async (entries) => {
      const buckets = [...groupBy(entries, (e) => entryBucketOf(e.seq))].sort(([a], [b]) => a - b);
      for (const [, inBucket] of buckets) await this.writeGroup(inBucket.map(insertEntryOf));
    });
  }

  private async writeSnapshots(snapshots: MemberState[]): Promise<void> {
    try {
      await mapBounded(snapshots, this.concurrency, (s) =>
        this.client.execute(CQL.insertSnapshot, [s.tenantId, s.memberId, s.seq, JSON.stringify(s), s.seq], QUERY),
      );
    } catch {
      // The entries are durable; without this snapshot activation replays a little more. Not a failed commit.
    }
  }

  /** Retries the pending rollback, if any; until it is written the store answers nothing. */
  private settle(): Promise<void> {
    if (!this.unsettled) return Promise.resolve();
    this.settling ??= this.rollBack(this.unsettled).finally(() => {
      this.settling = undefined;
    });
    return this.settling;
  }

  /**
   * Entries first, outbox rows only once every entry delete is acknowledged: the outbox record is what
   * tells open() which entries to check after a crash, so it must outlive them.
   */
  private async rollBack(rollback: Rollback): Promise<void> {
    const entryGroups: Statement[][] = [];
    for (const inPartition of groupBy(rollback.entries, (e) => `${memberKey(e.tenantId, e.memberId)}\u0000${entryBucketOf(e.seq)}`).values()) {
      entryGroups.push(inPartition.map(deleteEntryOf));
    }
    const outboxGroups: Statement[][] = [];
    for (const [bucket, ids] of groupBy(rollback.outboxIds, outboxBucketOf)) {
      outboxGroups.push(ids.map((id) => ({ query: CQL.deleteOutboxRow, params: [this.shard, bucket, id] })));
    }
    try {
      await this.runAll(entryGroups);
      await this.runAll(outboxGroups);
    } catch (err) {
      throw new LedgerUnsettled(err);
    }
    if (this.unsettled === rollback) this.unsettled = undefined;
  }

  // ---- outbox -------------------------------------------------------------------------------

  /**
   * Settles the outbox tail a previous process may have left mid-commit (see the module comment):
   * ids after the committed hint are checked against the ledger, their missing entries fenced.
   */
  private async recoverOutbox(): Promise<void> {
    const [cursor] = await this.selectAll(CQL.cursor, [this.shard]);
    this.publishedId = long(cursor?.['published_id']);
    this.storedCommittedId = long(cursor?.['committed_id']);
    this.firstLiveBucket = outboxBucketOf(this.publishedId + 1);
    const from = Math.max(this.publishedId, this.storedCommittedId);
    const lastId = await this.newestOutboxId(from);
    // One record at a time (its events are checked concurrently): the tail is one or two commits long.
    for (let id = from + 1; id <= lastId; id++) await this.settleOutboxRecord(id);
    this.committedId = Math.max(from, lastId);
    await this.storeCommittedHint();
  }

  private async settleOutboxRecord(id: number): Promise<void> {
    const bucket = outboxBucketOf(id);
    const [row] = await this.selectAll(CQL.outboxAt, [this.shard, bucket, id]);
    if (!row) {
      // Not there now; a late copy of an unacknowledged write must not appear after this point.
      await this.client.execute(CQL.deleteOutboxRow, [this.shard, bucket, id], QUERY);
      return;
    }
    const envelope = JSON.parse(row['envelope']) as EventEnvelope;
    // Every entry of the tail is decided again with a timestamp newer than anything the dead process
    // sent: a present one is rewritten as it is (so a late copy of that process's rollback cannot delete
    // it after its event was kept), an absent one is deleted (so a late copy of its write cannot appear).
    const kept = await mapBounded(envelope.events, this.concurrency, async (event) => {
      const entry = await this.readEntry(event, event.seq);
      if (!entry) {
        await this.client.execute(CQL.deleteEntry, [event.tenantId, event.memberId, entryBucketOf(event.seq), event.seq], QUERY);
        return false;
      }
      const same = entry.idempotencyKey === event.idempotencyKey && entry.points === event.points && entry.createdAt === event.createdAt;
      if (same) await this.writeGroup([insertEntryOf(entry)]);
      return same;
    });
    const settled: EventEnvelope = { ...envelope, events: envelope.events.filter((_, i) => kept[i]) };
    // Rewritten even when unchanged: the newer write timestamp also shadows any late copy of the original.
    await this.client.execute(CQL.insertOutbox, [this.shard, bucket, id, JSON.stringify(settled)], QUERY);
  }

  /** Ids have no gaps within a run, so a partition that does not end full is the newest one. */
  private async newestOutboxId(from: number): Promise<number> {
    let newest = from;
    for (let bucket = outboxBucketOf(from + 1); ; bucket++) {
      const [row] = await this.selectAll(CQL.outboxNewest, [this.shard, bucket]);
      if (!row) return newest;
      const id = long(row['id']);
      newest = Math.max(newest, id);
      if (id < lastIdOfOutboxBucket(bucket)) return newest;
    }
  }

  private async storeCommittedHint(): Promise<void> {
    const id = this.committedId;
    if (id <= this.storedCommittedId) return;
    await this.client.execute(CQL.setCommitted, [id, id, this.shard], QUERY);
    this.storedCommittedId = Math.max(this.storedCommittedId, id);
  }

  /** Deletes whole outbox partitions once every id in them is published (one tombstone per partition). */
  private async dropPublishedBuckets(): Promise<void> {
    const end = outboxBucketOf(this.publishedId + 1);
    while (this.firstLiveBucket < end) {
      try {
        await this.client.execute(CQL.deleteOutboxBucket, [this.shard, this.firstLiveBucket], QUERY);
      } catch {
        return; // tried again on the next markPublished; a published partition only costs space meanwhile
      }
      this.firstLiveBucket++;
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  /** Entries with seq > afterSeq in seq order, walking bucket partitions until one does not end full. */
  private async readEntriesAfter(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let after = afterSeq;
    for (let bucket = entryBucketOf(afterSeq + 1); entries.length < limit; bucket++) {
      const want = Math.min(limit - entries.length, ENTRY_BUCKET_SIZE);
      const rows = await this.selectAll(CQL.entriesAfter, [ref.tenantId, ref.memberId, bucket, after, want]);
      for (const row of rows) entries.push(entryOf(ref, row));
      if (rows.length === 0) break;
      after = entries[entries.length - 1].seq;
      if (after < lastSeqOfBucket(bucket)) break; // seqs have no gaps: this bucket is the newest
    }
    return entries;
  }

  private async readEntry(ref: MemberRef, seq: number): Promise<LedgerEntry | undefined> {
    const [row] = await this.selectAll(CQL.entryAt, [ref.tenantId, ref.memberId, entryBucketOf(seq), seq]);
    return row ? entryOf(ref, row) : undefined;
  }

  private async readSnapshot(ref: MemberRef): Promise<MemberState | null> {
    const [row] = await this.selectAll(CQL.snapshot, [ref.tenantId, ref.memberId]);
    return row ? (JSON.parse(row['state']) as MemberState) : null;
  }

  /**
   * The entry each key produced, trusted only if the entry at the key's seq exists and carries the key:
   * key rows are written before their entries, so a key row alone proves nothing.
   */
  private async lookupKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    const seqs = new Map<string, number>();
    const queries: { ref: MemberRef; keys: string[] }[] = [];
    for (const group of groupBy(refs, (r) => memberKey(r.tenantId, r.memberId)).values()) {
      const keys = [...new Set(group.map((r) => r.idempotencyKey))];
      for (let i = 0; i < keys.length; i += MAX_KEYS_PER_IN) queries.push({ ref: group[0], keys: keys.slice(i, i + MAX_KEYS_PER_IN) });
    }
    await mapBounded(queries, this.concurrency, async ({ ref, keys }) => {
      for (const row of await this.selectAll(CQL.keysIn, [ref.tenantId, ref.memberId, keys])) {
        seqs.set(`${memberKey(ref.tenantId, ref.memberId)}\u0000${row['idempotency_key']}`, long(row['seq']));
      }
    });
    return mapBounded(refs, this.concurrency, async (ref) => {
      const seq = seqs.get(`${memberKey(ref.tenantId, ref.memberId)}\u0000${ref.idempotencyKey}`);
      if (seq === undefined) return undefined;
      const entry = await this.readEntry(ref, seq);
      return entry && entry.idempotencyKey === ref.idempotencyKey ? entry : undefined;
    });
  }

  // ---- driver plumbing ----------------------------------------------------------------------

  /** Every page of a SELECT (partitions here are bounded, so this is one page in practice). */
  private async selectAll(query: string, params: unknown[]): Promise<types.Row[]> {
    const rows: types.Row[] = [];
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, params, { ...QUERY, pageState });
      rows.push(...result.rows);
      pageState = result.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  /** One unlogged batch for statements that share a partition: atomic and isolated on each replica. */
  private async writeGroup(statements: Statement[]): Promise<void> {
    if (statements.length === 0) return;
    if (statements.length === 1) {
      await this.client.execute(statements[0].query, statements[0].params, QUERY);
      return;
    }
    await this.client.batch(
      statements.map((s) => ({ query: s.query, params: s.params })),
      { ...QUERY, logged: false },
    );
  }

  /** Writes every group, bounded; rejects only once all started writes have settled. */
  private async runAll(groups: Statement[][]): Promise<void> {
    await mapBounded(groups, this.concurrency, (group) => this.writeGroup(group));
  }
}

/** Refuses a keyspace that was never migrated or that was written with other bucket sizes. */
async function checkLayout(client: CqlClient, keyspace: string): Promise<void> {
  let rows: types.Row[];
  try {
    rows = (await client.execute(CQL.layout, [], QUERY)).rows;
  } catch (err) {
    throw new LedgerLayoutMismatch(
      `keyspace ${keyspace} has no readable ledger_layout table; run the migration (node --import tsx src/cli/migrate.ts)`,
      { cause: err },
    );
  }
  const stored = new Map(rows.map((r) => [r['name'] as string, long(r['value'])]));
  const expected: [string, number][] = [
    ['entry_bucket_size', ENTRY_BUCKET_SIZE],
    ['outbox_bucket_size', OUTBOX_BUCKET_SIZE],
  ];
  for (const [name, value] of expected) {
    if (stored.get(name) !== value) {
      throw new LedgerLayoutMismatch(
        `keyspace ${keyspace} has ${name} = ${stored.get(name) ?? 'nothing'}, this build uses ${value}; ` +
          'bucket sizes cannot change on a live keyspace',
      );
    }
  }
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function lastSeqByMember(entries: LedgerEntry[]): [string, string, number][] {
  const last = new Map<string, [string, string, number]>();
  for (const e of entries) {
    const key = memberKey(e.tenantId, e.memberId);
    const known = last.get(key);
    if (!known || known[2] < e.seq) last.set(key, [e.tenantId, e.memberId, e.seq]);
  }
  return [...last.values()];
}

function membersOf(batch: CommitBatch): MemberRef[] {
  const refs = new Map<string, MemberRef>();
  for (const r of [...batch.entries, ...batch.orders, ...batch.snapshots]) {
    refs.set(memberKey(r.tenantId, r.memberId), { tenantId: r.tenantId, memberId: r.memberId });
  }
  return [...refs.values()];
}
