// The Cassandra / ScyllaDB ledger (schema: deploy/cql/001_ledger.cql, 002_programs.cql). One keyspace serves every
// shard; a shard's store writes only the members of its slots and its own outbox, due-index and
// follow-up partitions.
//
// Cassandra gives no atomicity across partitions, and a group commit touches many: per member an
// idempotency-key partition, an orders partition, one or two entry buckets and a snapshot, plus the
// shard's outbox (and due-index and follow-up partitions). No logged batch (its batchlog doubles the write cost and still lets readers see
// half of it) and no LWT (several round trips): correctness comes from the ORDER of the writes, from
// readers that trust a derived row only when the entry it points at exists, and from rolling back a
// commit that failed part-way. The entries are the truth; everything else points at them.
//
//   1. Concurrently: the batch's outbox records; per member its idempotency rows (key -> seq) and
//      its order versions (tagged with the member's last seq in the batch and that entry's key/hash);
//      the due-index rows the batch adds (`to` of its DueChanges) and, when needed, the shard's
//      due_range (see "Due index" below); the intent row of the batch's follow-ups, if it has any
//      (see "Follow-ups" below).
//   2. Then, per member, its entries: one unlogged batch per bucket partition (atomic and isolated
//      on each replica), buckets in ascending order, members concurrently.
//   2b. Only for a batch with follow-ups, once all of step 2 is acknowledged: its follow-ups written
//      as owed rows and its intent deleted, one single-partition batch.
//   3. Then the snapshots, each written with USING TIMESTAMP <seq>, and the deletes of the due rows
//      the batch moves away from (`from`). A failure here is ignored: a snapshot only shortens
//      replay, a due row left behind is a stale one (below), and the entries are already durable.
//   commit() resolves after step 3, and an acknowledged write has all of 1, 2 and 2b at LOCAL_QUORUM.
//
// Why that is enough, for any instant at which a commit can stop (error, timeout, kill -9):
//   - An entry that exists was written in step 2, after step 1 completed, so its idempotency row,
//     its order version and its outbox event exist too: a retry of its key finds it (no double apply),
//     a later reverse sees its refund, and its event is published. Within a member, an entry's
//     existence implies every lower seq exists (earlier commits completed first; buckets ascend).
//   - A row from step 1 whose entry does not exist (or holds another decision) is ignored by readers:
//     findByIdempotencyKeys reads the entry and compares the key; getOrders takes the newest version
//     whose entry matches; the outbox relay only reads ids of commits that completed (below).
//   - A snapshot exists only for seqs whose entries exist (step 3 follows step 2 and 2b).
//   - An owed follow-up exists only if every entry of its batch exists (below).
//   - A commit that fails in this process is rolled back before the store answers anything else:
//     its follow-ups retracted (below), then its entry rows, then (once those deletes are
//     acknowledged) its outbox rows and follow-up intent, are deleted with a newer timestamp than the
//     failed writes, so a late replica or hint carrying them cannot bring them back; the engine
//     (which dropped the actors and refused the batch) re-activates from a ledger without them and
//     re-decides, reusing the outbox ids. While the rollback cannot be written, every call fails
//     (LedgerUnsettled) rather than show half a batch. The outbox rows and the intent go last because
//     they are what open() uses to find the entries of an unfinished commit.
//   - After a crash, open() first settles the follow-up intents left behind (below), then checks the
//     outbox tail the last process may not have finished (ids after the persisted committed_id hint):
//     each event's entry is read; present -> rewritten as it is and the event kept; absent -> its row
//     deleted and the event dropped; the record is rewritten with the kept events. Every row of the tail then carries a timestamp newer than anything the dead
//     process sent, so none of its late writes or rollbacks can change the outcome. Only then does the
//     store serve, so no engine write races these fences. The relay publishes only ids up to what
//     this process committed or recovered.
// What that does not cover (see deploy/README.md): clocks of engine nodes skewed by more than a
// slot hand-over (a fence or overwrite ordered by wall clock), and a single writer per member, which
// the slot leases must guarantee.
//
// Due index (table due_members, partition (shard, day = floor(at / 1 day)), rows (at, tenant, member)).
// It is a derived index like the key rows, with a weaker promise the engine is built for: it may hold
// STALE rows (a member indexed at an instant that is not its next due instant any more: the shard
// checks every due row against the member's state and corrects it), but the row of a member's current
// due instant is never missing. Hence the order: a commit's new rows go in step 1, before its entries,
// and its old rows are deleted in step 3, after them; whatever instant the commit stops at, the member's
// due instant before the commit and the one after it are both indexed (the one gap: a crash that keeps
// only part of one member's entries of a batch, when they span an entry bucket, can leave the instant
// of that in-between state unindexed until one of the two rows comes due or the member commits again).
// Within one batch the changes are netted per row (the last change of a row wins), so no row is both
// inserted and deleted. A failed commit's rollback does NOT delete the rows it added: one may be the
// current row of a correction commit (from a stale row to the member's real instant), and an extra row
// is only a stale one. Crash recovery (open) has nothing to settle in the index for the same reason.
// Reading "everything with at <= upTo" per shard without scanning the cluster needs to know which day
// partitions may hold rows: the shard keeps [low, high] in memory and in its due_range row:
//   - low is a row POSITION (at, tenant, member), not just a day: no row the index must return lies
//     before it. A scan starts there and moves it to the first row it finds (or past upTo when it
//     finds none), so later scans do not walk the tombstones of rows already handled — many members
//     can share one instant (lots that all expire at the end of a year). A commit that adds a row
//     below low first lowers it to the start of that row's instant (in memory, synchronously, before
//     its writes go out) and writes due_range in step 1, so after a crash due_range still covers every
//     row whose commit was acknowledged. Scans write it lazily (once per scan that moved it, and at
//     close): a due_range behind the index only makes the first scan after a restart read more.
//   - high is the highest day partition that may hold a row, raised (and written in step 1) by a
//     commit that adds a row beyond it and never lowered, so a scan for a far upTo stops there.
// due_range writes go out one at a time, each with the values of that moment, so the newest write is
// the newest knowledge. A scan that runs while a commit's rows are unacknowledged never moves low past
// them (dueInFlight / dueScans). A due_range row that is missing means "no due row was ever written":
// never delete it or truncate it without due_members.
//
// Follow-ups (table follow_ups: one partition per shard, rows (kind, id)). A follow-up is a command the
// batch owes another member (a referral reward) and must exist iff the entry that caused it was
// committed: one left by a batch that did not commit would deliver a reward for an order that never
// happened. The store is not told which entry caused which follow-up, and a crash can leave some of a
// batch's members written and others not, so a follow-up is tied to its whole batch, and a batch WITH
// follow-ups is made all-or-nothing, also across a crash:
//   - Step 1 writes the batch's intent row (kind 'intent', id = its lowest follow-up id): its follow-ups
//     and the entries it writes (not those already stored), each as (member, seq, key, createdAt).
//     Only open() and the rollback read it; pendingFollowUps never does.
//   - Step 2b, after every entry is acknowledged, writes the follow-ups as owed rows (kind 'owed', what
//     pendingFollowUps returns) and deletes the intent in ONE single-partition batch, atomic and
//     isolated on each replica: a reader sees the intent or the owed rows, never both and never neither.
//     So an owed row exists only once all of its batch's entries do, and a batch without an intent
//     left is complete.
//   - A rollback first retracts: one batch deleting the owed rows (2b may have landed though it
//     failed) and writing the intent again (2b may have deleted it); then it deletes the entries; only
//     then the intent (with the outbox rows). While any entry of the batch may exist, its intent does.
//   - open() settles each intent it finds before anything else, with timestamps newer than anything the
//     dead process sent. If every entry it lists exists with its key and createdAt (exactly this
//     commit's decision), the entries are rewritten as they are (so a late copy of a rollback cannot
//     delete them afterwards) and step 2b is redone. Otherwise the batch is undone whole: retract,
//     delete its entries (present ones, and absent ones so a late copy of their write cannot appear),
//     then delete the intent. The outbox settlement that follows finds those entries absent and drops
//     their events. Undoing entries that exist is safe for the same reason as a rollback is: the commit
//     was never acknowledged, and nothing read its entries (the cache and the relay only see completed
//     commits). A crash during this settlement leaves the intent, so the next open() decides again.
//   - An intent can also surface AFTER the open that followed its process's death: a late copy of a
//     step 1 that was never acknowledged (so none of its entries was ever written). By then its seqs
//     and follow-up ids (the engine numbers follow-ups from the highest pending one after a restart)
//     may hold another commit's rows. Its entries cannot all match, so it is undone, and the undo
//     spares what is not its own: an entry at its seq with another key or createdAt, and an owed row
//     at its id with another command.
// A batch without follow-ups writes no intent and keeps the per-member recovery above. One with them
// costs a row in step 1 (its commands plus ~70 B per entry it writes) and a round trip (2b).
// completeFollowUps deletes owed rows: the shard's partition keeps their tombstones (and those of
// intents) for gc_grace_seconds, and the reads at open() walk them, so this suits follow-ups that are
// few (referral rewards); see deploy/README.md.

import { Client, policies, types } from 'cassandra-driver';
import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { EventEnvelope } from '../../events/event-publisher.js';
import type {
  CommitBatch,
  DueChange,
  DueMember,
  FollowUp,
  KeyRef,
  LedgerStore,
  MemberHistory,
  MemberLoad,
  MemberRef,
  OrderRef,
  OutboxPosition,
  OutboxRecord,
} from '../store.js';
import {
  CQL,
  type FollowUpIntent,
  type IntentEntry,
  type Statement,
  deleteDueOf,
  deleteEntryOf,
  deleteFollowUpOf,
  dueOf,
  entryOf,
  followUpOf,
  insertDueOf,
  insertEntryOf,
  insertIntentOf,
  intentOf,
  long,
  orderOf,
  owedFollowUpsOf,
  retractedFollowUpsOf,
} from './cql.js';
import { IdempotencyKeyTaken, LedgerLayoutMismatch, LedgerUnsettled } from './errors.js';
import {
  DUE_BUCKET_MS,
  ENTRY_BUCKET_SIZE,
  OUTBOX_BUCKET_SIZE,
  dueBucketOf,
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

/** Most rows one single-partition batch of follow-up deletes carries. */
const MAX_ROWS_PER_BATCH = 100;

/** Most day partitions of the due index one scan reads at once (it starts with one and doubles). */
const DUE_SCAN_WINDOW = 32;

/**
 * A place in the due index, whose rows sort by (at, tenantId, memberId). Empty ids mean the start of
 * instant `at`. Positions are only compared for equality here: the store never orders ids itself
 * (JavaScript compares UTF-16 units, Cassandra UTF-8 bytes).
 */
interface DuePosition {
  at: number;
  tenantId: string;
  memberId: string;
}

interface DueRange {
  low: DuePosition | undefined;
  high: number;
}

interface Rollback {
  entries: LedgerEntry[];
  outboxIds: number[];
  /** The batch's follow-up intent, when it had follow-ups. */
  intent: FollowUpIntent | undefined;
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
  /** Low-water position of the due index (see the module comment); undefined: no row was ever written. */
  private dueLow: DuePosition | undefined;
  /** Highest day partition that may hold due rows. */
  private dueHigh = Number.NEGATIVE_INFINITY;
  /** What due_range holds as far as this store knows; undefined when unknown (a write failed or is out). */
  private dueStored: DueRange | undefined;
  /** due_range writes, one at a time. */
  private dueRangeWrites: Promise<void> = Promise.resolve();
  /** Per commit whose due rows are not acknowledged yet: the earliest instant it adds. */
  private readonly dueInFlight = new Set<{ at: number }>();
  /** Per scan in progress: the earliest instant added by a commit in flight since it began. */
  private readonly dueScans = new Set<{ guard: number }>();

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
      await store.recoverFollowUps(); // first: it may undo entries whose events the outbox settlement then drops
      await store.recoverOutbox();
      await store.loadDueRange();
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
    const dues = netDues(batch.dues ?? []);
    const intent = followUpIntentOf(batch.followUps ?? [], toWrite);
    const hint = this.committedId;
    try {
      const inFlight = this.noteDueInserts(dues.inserts);
      try {
        const groups = [...this.keysOrdersAndOutbox(batch, toWrite, outbox), ...dueGroups(this.shard, dues.inserts, insertDueOf)];
        if (intent) groups.push([insertIntentOf(this.shard, intent)]);
        await allSettled([this.runAll(groups), inFlight ? this.persistDueRange() : Promise.resolve()]); // step 1
      } finally {
        if (inFlight) this.dueInFlight.delete(inFlight);
      }
      this.storedCommittedId = Math.max(this.storedCommittedId, hint);
      await this.writeEntries(toWrite); // step 2
      if (intent) await this.writeGroup(owedFollowUpsOf(this.shard, intent)); // step 2b
    } catch (err) {
      for (const ref of membersOf(batch)) this.knowledge.forget(ref.tenantId, ref.memberId);
      this.unsettled = { entries: toWrite, outboxIds: outbox.map((r) => r.id), intent, cause: err };
      await this.settle().catch(() => undefined); // retried by every later call if it fails now
      throw err;
    }
    for (const [tenantId, memberId, seq] of lastSeqByMember(toWrite)) this.knowledge.noteCommitted(tenantId, memberId, seq);
    for (const r of outbox) this.committedId = Math.max(this.committedId, r.id);
    await Promise.all([this.writeSnapshots(batch.snapshots), this.deleteDueRows(dues.deletes)]); // step 3
  }

  async pendingFollowUps(limit: number): Promise<FollowUp[]> {
    await this.settle();
    if (limit <= 0) return [];
    return (await this.selectAll(CQL.followUps, [this.shard, limit])).map(followUpOf);
  }

  async completeFollowUps(ids: number[]): Promise<void> {
    await this.settle();
    const unique = [...new Set(ids)];
    const groups: Statement[][] = [];
    for (let i = 0; i < unique.length; i += MAX_ROWS_PER_BATCH) {
      groups.push(unique.slice(i, i + MAX_ROWS_PER_BATCH).map((id) => deleteFollowUpOf(this.shard, id)));
    }
    await this.runAll(groups);
  }

  async dueMembers(upTo: number, limit: number): Promise<DueMember[]> {
    await this.settle();
    const from = this.dueLow;
    if (from === undefined || limit <= 0 || upTo < from.at) return [];
    let guard = Number.POSITIVE_INFINITY;
    for (const commit of this.dueInFlight) guard = Math.min(guard, commit.at);
    const scan = { guard };
    this.dueScans.add(scan);
    const found: DueMember[] = [];
    try {
      const firstDay = dueBucketOf(from.at);
      const lastDay = Math.min(dueBucketOf(upTo), this.dueHigh);
      let window = 1;
      for (let day = firstDay; day <= lastDay && found.length < limit; window = Math.min(window * 2, DUE_SCAN_WINDOW)) {
        const days: number[] = [];
        for (; day <= lastDay && days.length < window; day++) days.push(day);
        const want = limit - found.length;
        const pages = await mapBounded(days, this.concurrency, (d) => this.readDueDay(d, d === firstDay ? from : undefined, upTo, want));
        for (const page of pages) found.push(...page.slice(0, limit - found.length));
      }
    } finally {
      this.dueScans.delete(scan);
    }
    // Nothing the index must return lies before `from`, nor between it and the first row found (or
    // upTo, when none was): that is the new low, unless a commit added an earlier row meanwhile.
    const reached: DuePosition = found.length > 0 ? positionOf(found[0]) : startOf(upTo + 1);
    this.dueLow = scan.guard <= reached.at ? startOf(scan.guard) : reached;
    await this.persistDueRange().catch(() => undefined); // lazily: a stale due_range only costs reads
    return found;
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
      await this.persistDueRange(); // saves the next scans the rows this process already passed
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
    if (intent) outboxGroups.push([{ query: CQL.deleteIntent, params: [this.shard, intent.id] }]);
    try {
      if (intent) await this.writeGroup(retractedFollowUpsOf(this.shard, intent));
      await this.runAll(entryDeleteGroups(rollback.entries));
      await this.runAll(outboxGroups);
    } catch (err) {
      throw new LedgerUnsettled(err);
    }
    if (this.unsettled === rollback) this.unsettled = undefined;
  }

  // ---- due index ----------------------------------------------------------------------------

  /**
   * Before a commit's due rows go out: low and high widened to cover them, and every scan in progress
   * told not to move low past them. Returns the commit's in-flight marker (none without inserts).
   */
  private noteDueInserts(inserts: DueMember[]): { at: number } | undefined {
    if (inserts.length === 0) return undefined;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const d of inserts) {
      min = Math.min(min, d.at);
      max = Math.max(max, d.at);
    }
    const low = this.dueLow;
    if (!low || min < low.at || (min === low.at && !isStartOfInstant(low))) this.dueLow = startOf(min);
    this.dueHigh = Math.max(this.dueHigh, dueBucketOf(max));
    for (const scan of this.dueScans) scan.guard = Math.min(scan.guard, min);
    const marker = { at: min };
    this.dueInFlight.add(marker);
    return marker;
  }

  /** The rows the batch moved away from; one left behind (write failed) is a stale row, corrected by the engine. */
  private async deleteDueRows(rows: DueMember[]): Promise<void> {
    try {
      await this.runAll(dueGroups(this.shard, rows, deleteDueOf));
    } catch {
      // see above
    }
  }

  /** Rows of one day partition at or after `from` (the scan's low, in its first day) and at or before upTo. */
  private async readDueDay(day: number, from: DuePosition | undefined, upTo: number, want: number): Promise<DueMember[]> {
    if (!from || isStartOfInstant(from)) {
      const start = from ? from.at : day * DUE_BUCKET_MS;
      return (await this.selectAll(CQL.dueFrom, [this.shard, day, start, upTo, want])).map(dueOf);
    }
    // From a row inside an instant: the rest of its tenant, the later tenants, then the later instants.
    const [sameTenant, laterTenants, laterInstants] = await Promise.all([
      this.selectAll(CQL.dueAtMember, [this.shard, day, from.at, from.tenantId, from.memberId, want]),
      this.selectAll(CQL.dueAtTenant, [this.shard, day, from.at, from.tenantId, want]),
      from.at < upTo ? this.selectAll(CQL.dueAfter, [this.shard, day, from.at, upTo, want]) : Promise.resolve([]),
    ]);
    return [...sameTenant, ...laterTenants, ...laterInstants].slice(0, want).map(dueOf);
  }

  private async loadDueRange(): Promise<void> {
    const [row] = await this.selectAll(CQL.dueRange, [this.shard]);
    if (row && row['low_at'] !== null && row['low_at'] !== undefined) {
      const low: DuePosition = {
        at: long(row['low_at']),
        tenantId: String(row['low_tenant_id'] ?? ''),
        memberId: String(row['low_member_id'] ?? ''),
      };
      this.dueLow = low;
      this.dueHigh = row['high_day'] === null || row['high_day'] === undefined ? dueBucketOf(low.at) : long(row['high_day']);
    }
    this.dueStored = { low: this.dueLow, high: this.dueHigh };
  }

  /** Writes due_range after every earlier write of it has settled, with the values it has then. */
  private persistDueRange(): Promise<void> {
    const write = this.dueRangeWrites.then(() => this.writeDueRange());
    this.dueRangeWrites = write.catch(() => undefined);
    return write;
  }

  private async writeDueRange(): Promise<void> {
    const low = this.dueLow;
    const high = this.dueHigh;
    const stored = this.dueStored;
    if (low === undefined || (stored?.low && samePosition(stored.low, low) && stored.high === high)) return;
    this.dueStored = undefined;
    await this.client.execute(CQL.setDueRange, [this.shard, low.at, low.tenantId, low.memberId, high], QUERY);
    this.dueStored = { low, high };
  }

  // ---- follow-ups ---------------------------------------------------------------------------

  /**
   * Settles every follow-up intent a previous process left (see the module comment): a commit whose
   * entries all exist is completed (entries fenced, follow-ups owed), any other is undone whole.
   */
  private async recoverFollowUps(): Promise<void> {
    const intents = (await this.selectAll(CQL.intents, [this.shard])).map(intentOf);
    // One at a time: normally none, after a crash the one or two commits the process had in flight.
    for (const intent of intents) {
      const refs = intent.entries.map(([tenantId, memberId, seq]) => ({ tenantId, memberId, seq }));
      const found = await mapBounded(refs, this.concurrency, (ref) => this.readEntry(ref, ref.seq));
      // Exactly the entries this commit wrote: the same key and decision time at the same seq.
      const ours = found.map((e, i) => e !== undefined && e.idempotencyKey === intent.entries[i][3] && e.createdAt === intent.entries[i][4]);
      if (ours.every(Boolean)) {
        // Rewritten as they are: a late copy of the dead process's rollback cannot delete them now.
        await this.runAll(entryGroups(found as LedgerEntry[], insertEntryOf));
        await this.writeGroup(owedFollowUpsOf(this.shard, intent));
        continue;
      }
      // Undone whole. An intent can also be a late copy of a step 1 that was never acknowledged (so
      // none of its entries was written) landing after the open that followed: its seqs and follow-up
      // ids may since hold another commit's rows, which must stay. So only owed rows that are absent
      // or carry this commit's command are deleted, and only entries that are absent or this commit's.
      const owed = await mapBounded(intent.followUps, this.concurrency, (f) => this.selectAll(CQL.followUpAt, [this.shard, f.id]));
      const mine = intent.followUps.filter((f, i) => owed[i].length === 0 || owed[i][0]['body'] === JSON.stringify(f.command));
      await this.writeGroup(retractedFollowUpsOf(this.shard, intent, mine));
      await this.runAll(entryDeleteGroups(refs.filter((_, i) => found[i] === undefined || ours[i])));
      await this.client.execute(CQL.deleteIntent, [this.shard, intent.id], QUERY);
    }
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
    ['due_bucket_ms', DUE_BUCKET_MS],
  ];
  for (const [name, value] of expected) {
    if (!stored.has(name)) {
      throw new LedgerLayoutMismatch(
        `keyspace ${keyspace} has no ${name} in ledger_layout: a migration is missing; run node --import tsx src/cli/migrate.ts`,
      );
    }
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

/**
 * A batch's due changes as rows to insert and rows to delete, netted per row in batch order (delete
 * `from`, then insert `to`, as one transaction would), so that no row is in both lists.
 */
function netDues(changes: DueChange[]): { inserts: DueMember[]; deletes: DueMember[] } {
  const last = new Map<string, { row: DueMember; insert: boolean }>();
  const note = (ref: MemberRef, at: number, insert: boolean) => {
    last.set(`${at}\u0000${memberKey(ref.tenantId, ref.memberId)}`, { row: { tenantId: ref.tenantId, memberId: ref.memberId, at }, insert });
  };
  for (const d of changes) {
    if (d.from > 0) note(d, d.from, false);
    if (d.to > 0) note(d, d.to, true);
  }
  const inserts: DueMember[] = [];
  const deletes: DueMember[] = [];
  for (const { row, insert } of last.values()) (insert ? inserts : deletes).push(row);
  return { inserts, deletes };
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

/** Entry statements grouped per partition (member, bucket): one unlogged batch each. */
function entryGroups<T extends { tenantId: string; memberId: string; seq: number }>(rows: T[], statementOf: (row: T) => Statement): Statement[][] {
  return [...groupBy(rows, (e) => `${memberKey(e.tenantId, e.memberId)}\u0000${entryBucketOf(e.seq)}`).values()].map((inPartition) =>
    inPartition.map(statementOf),
  );
}

function entryDeleteGroups(refs: { tenantId: string; memberId: string; seq: number }[]): Statement[][] {
  return entryGroups(refs, deleteEntryOf);
}

/** Due-row statements grouped per partition (shard, day): one unlogged batch each. */
function dueGroups(shard: number, rows: DueMember[], statementOf: (shard: number, d: DueMember) => Statement): Statement[][] {
  return [...groupBy(rows, (d) => dueBucketOf(d.at)).values()].map((inDay) => inDay.map((d) => statementOf(shard, d)));
}

function startOf(at: number): DuePosition {
  return { at, tenantId: '', memberId: '' };
}

function isStartOfInstant(p: DuePosition): boolean {
  return p.tenantId === '' && p.memberId === '';
}

function positionOf(d: DueMember): DuePosition {
  return { at: d.at, tenantId: d.tenantId, memberId: d.memberId };
}

function samePosition(a: DuePosition, b: DuePosition): boolean {
  return a.at === b.at && a.tenantId === b.tenantId && a.memberId === b.memberId;
}

/** Waits for every promise to settle, then rejects with the first failure (nothing is left running). */
async function allSettled(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

function membersOf(batch: CommitBatch): MemberRef[] {
  const refs = new Map<string, MemberRef>();
  for (const r of [...batch.entries, ...batch.orders, ...batch.snapshots]) {
    refs.set(memberKey(r.tenantId, r.memberId), { tenantId: r.tenantId, memberId: r.memberId });
  }
  return [...refs.values()];
}
