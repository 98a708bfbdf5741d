// The Cassandra / ScyllaDB ledger's LedgerStore face: opens a shard's store and hands each call to the
// module of its protocol. Why the writes go in the order they do, and why that survives any crash: PROTOCOL.md.

import { Client, policies, types } from 'cassandra-driver';
import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { OutboxRecord } from '../outbox.js';
import type {
  CommitBatch,
  DueMember,
  FollowUp,
  KeyRef,
  LedgerStore,
  MemberHistory,
  MemberLoad,
  MemberRef,
  OrderRef,
  OutboxPosition,
  RollForwardRange,
} from '../store.js';
import type { RollForwardRow } from '../../reports/roll-forward.js';
import { GroupCommit } from './commit.js';
import { CQL, long } from './cql.js';
import { DueIndex } from './due-index.js';
import { type FenceOptions, ShardFence } from './fence.js';
import { LedgerLayoutMismatch } from './errors.js';
import { FollowUps } from './follow-ups.js';
import { DUE_BUCKET_MS, ENTRY_BUCKET_SIZE, FOLLOW_UP_BUCKET_IDS, OUTBOX_BUCKET_SIZE } from './layout.js';
import { OutboxCursor } from './outbox-cursor.js';
import { LedgerReads } from './reads.js';
import { recoverFollowUps, recoverOutbox } from './recovery.js';
import { ledgerReconnection } from './reconnection.js';
import { RollForwardRows } from './roll-forward-rows.js';
import { type CqlClient, CqlSession, QUERY } from './session.js';
import { WriterKnowledge } from './writer-knowledge.js';

export type { CqlClient } from './session.js';
export { FenceUncertain, ShardFenced, type FenceOptions } from './fence.js';

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
  /**
   * Fenced mode (a cluster node owning this ledger shard at an epoch; PROTOCOL.md "Fenced mode"): open
   * takes the shard over (refused with ShardFenced if a larger epoch holds it), every commit is valid only
   * once its conditional write in shard_heads is applied, and a commit after a newer owner took the shard
   * is refused with ShardFenced. Absent: the single-node store, unchanged.
   */
  fence?: FenceOptions;
}

/** Timed-out requests a ledger connection may hold unanswered before the driver replaces it (driver default 64). */
export const LEDGER_DEFUNCT_TIMEOUTS = 4;

/** What a ledger client connects with: the store's options less what belongs to one shard. */
export type LedgerClientOptions = Pick<CassandraStoreOptions, 'contactPoints' | 'localDataCenter' | 'keyspace' | 'username' | 'password'>;

/** A connected client with the ledger's settings (LOCAL_QUORUM, prepared, client-side monotonic timestamps). */
export async function connectLedgerClient(options: LedgerClientOptions): Promise<Client> {
  const client = new Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    keyspace: options.keyspace,
    credentials: options.username ? { username: options.username, password: options.password ?? '' } : undefined,
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    // A connection with this many requests timed out and still unanswered is dropped and reopened. The
    // driver's 64 suits a busy pool; a shard's connection that stopped answering after its node was
    // paused (the node answering other clients) carries one rollback attempt at a time, and at 64 it
    // kept the shard refusing every call for minutes (a CI run of cassandra-ledger-faults' 16-s pause).
    socketOptions: { defunctReadTimeoutThreshold: LEDGER_DEFUNCT_TIMEOUTS },
    // Client-side, monotonic timestamps: a retry re-sends the same timestamp (an exact overwrite), and a
    // rollback issued after a failed write is always newer than it.
    policies: {
      timestampGeneration: new policies.timestampGeneration.MonotonicTimestampGenerator(1000, 1000),
      reconnection: ledgerReconnection(),
    },
  });
  try {
    await client.connect();
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw err;
  }
  return client;
}

/**
 * One client for several stores of a thread (a cluster node's thread holds a store per ledger shard it
 * owns): each store's close leaves it connected; `close()` here shuts it down once they are closed.
 */
export class SharedLedgerClient {
  private constructor(private readonly client: Client) {}

  static async connect(options: LedgerClientOptions): Promise<SharedLedgerClient> {
    return new SharedLedgerClient(await connectLedgerClient(options));
  }

  /** The view a store gets: everything but shutdown, which does nothing. */
  forStore(): CqlClient {
    const c = this.client;
    return { execute: c.execute.bind(c), batch: c.batch.bind(c), shutdown: async () => {} } as CqlClient;
  }

  close(): Promise<void> {
    return this.client.shutdown();
  }
}

export class CassandraLedgerStore implements LedgerStore {
  private readonly session: CqlSession;
  private readonly reads: LedgerReads;
  private readonly due: DueIndex;
  private readonly outbox: OutboxCursor;
  private readonly followUps: FollowUps;
  private readonly commits: GroupCommit;
  private readonly rollForward: RollForwardRows;
  /** Committed entries the roll-forward did not count when the last process died (see rollForwardBacklog). */
  private backlog: LedgerEntry[] = [];
  private closed = false;

  private constructor(
    client: CqlClient,
    private readonly shard: number,
    options: CassandraStoreOptions,
    private readonly fence?: ShardFence,
  ) {
    this.session = new CqlSession(client, options.concurrency ?? 256, fence ? () => fence.writeTimestamp() : undefined);
    const knowledge = new WriterKnowledge(options.knowledgeCapacity ?? 262_144);
    this.reads = new LedgerReads(this.session, knowledge, fence);
    this.due = new DueIndex(this.session, shard);
    this.outbox = new OutboxCursor(this.session, shard);
    this.followUps = new FollowUps(this.session, shard);
    this.rollForward = new RollForwardRows(this.session, shard);
    this.commits = new GroupCommit(
      this.session,
      shard,
      knowledge,
      this.reads,
      this.due,
      this.outbox,
      this.followUps,
      this.rollForward,
      fence,
    );
  }

  /** Connects, checks the keyspace's layout and settles the outbox tail a previous process left. */
  static async open(options: CassandraStoreOptions): Promise<CassandraLedgerStore> {
    return CassandraLedgerStore.openOn(await connectLedgerClient(options), options);
  }

  /** The same on a client the caller built (tests use a fake); the store shuts it down on close. */
  static async openOn(client: CqlClient, options: CassandraStoreOptions): Promise<CassandraLedgerStore> {
    try {
      await checkLayout(client, options.keyspace, options.fence !== undefined);
      // Fenced: the takeover comes before anything is read or written, so every read sees the shard as the
      // takeover left it and every write of this store is stamped with its fence token.
      const fence = options.fence
        ? await ShardFence.takeOver(client, options.shard, options.fence, options.knowledgeCapacity ?? 262_144)
        : undefined;
      const store = new CassandraLedgerStore(client, options.shard, options, fence);
      await store.followUps.loadRange();
      // first: it may undo entries whose events the outbox settlement then drops
      await recoverFollowUps(store.session, store.followUps, store.reads);
      if (fence) {
        // No tail to settle: what the commit points applied is committed, anything beyond is not.
        await store.outbox.load();
        store.outbox.recovered(fence.committedOutbox);
      } else {
        await recoverOutbox(store.session, store.shard, store.reads, store.outbox);
      }
      await store.due.loadDueRange();
      if (fence) {
        // Rewritten under this token, so no late write of a deposed owner can move them under this one.
        await store.due.rewriteDueRange();
        await store.followUps.rewriteRange();
      }
      await store.followUps.loadOld();
      await store.rollForward.load();
      // after the outbox settlement: only entries that exist, and the relay has not started
      store.backlog = await store.rollForward.backlog(store.outbox, store.reads);
      return store;
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      throw err;
    }
  }

  async loadMembers(refs: MemberLoad[]): Promise<MemberHistory[]> {
    await this.commits.settle();
    return this.reads.loadMembers(refs);
  }

  async findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    await this.commits.settle();
    return this.reads.findByIdempotencyKeys(refs);
  }

  async getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]> {
    await this.commits.settle();
    return this.reads.getOrders(refs);
  }

  async listEntries(ref: MemberRef, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    await this.commits.settle();
    return this.reads.listEntries(ref, afterSeq, limit);
  }

  async commit(batch: CommitBatch): Promise<void> {
    await this.commits.settle();
    await this.commits.commit(batch);
  }

  async pendingFollowUps(limit: number): Promise<FollowUp[]> {
    await this.commits.settle();
    return this.followUps.pending(limit);
  }

  async completeFollowUps(ids: number[]): Promise<void> {
    await this.commits.settle();
    await this.followUps.complete(ids);
  }

  async dueMembers(upTo: number, limit: number): Promise<DueMember[]> {
    await this.commits.settle();
    return this.due.dueMembers(upTo, limit);
  }

  async outboxPosition(): Promise<OutboxPosition> {
    await this.commits.settle();
    return this.outbox.position();
  }

  async readOutbox(afterId: number, limit: number): Promise<OutboxRecord[]> {
    await this.commits.settle();
    return this.outbox.readOutbox(afterId, limit);
  }

  async markPublished(id: number): Promise<void> {
    await this.outbox.markPublished(id);
  }

  async rollForwardHeads(): Promise<RollForwardRow[]> {
    await this.commits.settle();
    return this.rollForward.current();
  }

  async rollForwardBacklog(): Promise<LedgerEntry[]> {
    const backlog = this.backlog;
    this.backlog = [];
    return backlog;
  }

  async readRollForward(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange> {
    await this.commits.settle();
    return this.rollForward.read(tenantId, fromDay, toDay);
  }

  async listMembers(after: MemberRef | undefined, limit: number): Promise<MemberRef[]> {
    await this.commits.settle();
    const rows = after
      ? await this.session.execute(CQL.membersAfter, [after.tenantId, after.memberId, limit])
      : await this.session.execute(CQL.membersFirst, [limit]);
    return rows.rows.map((r) => ({ tenantId: String(r['tenant_id']), memberId: String(r['member_id']) }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.commits.settle();
      if (!this.fence) await this.outbox.storeCommittedHint(); // saves the next open() from re-checking the last commit
      await this.due.persistDueRange(); // saves the next scans the rows this process already passed
      await this.followUps.complete([]); // the deletes of delivered follow-ups that failed before
      await this.followUps.persistRange(true); // saves the next open the follow-ups this process delivered
    } catch {
      // open() re-checks whatever the hint does not cover; nothing is lost by skipping it here
    }
    await this.session.client.shutdown();
  }
}

/** Refuses a keyspace that was never migrated or that was written with other bucket sizes. */
async function checkLayout(client: CqlClient, keyspace: string, fenced: boolean): Promise<void> {
  let rows: types.Row[];
  try {
    rows = (await client.execute(CQL.layout, [], QUERY)).rows;
  } catch (err) {
    throw new LedgerLayoutMismatch(`keyspace ${keyspace} has no readable ledger_layout table; run the migration (npm run migrate)`, {
      cause: err,
    });
  }
  const stored = new Map(rows.map((r) => [r['name'] as string, long(r['value'])]));
  const expected: [string, number][] = [
    ['entry_bucket_size', ENTRY_BUCKET_SIZE],
    ['outbox_bucket_size', OUTBOX_BUCKET_SIZE],
    ['due_bucket_ms', DUE_BUCKET_MS],
    // Not a size: present once 004_order_lots.cql added the orders' metric month and lot columns.
    ['order_lots', 1],
    ['follow_up_bucket_ids', FOLLOW_UP_BUCKET_IDS],
    // Not a size: present once 006_roll_forward.cql added the roll-forward tables.
    ['roll_forward', 1],
    // Not a size: present once 007_shard_heads.cql added the fence's table (only a fenced store needs it).
    ...(fenced ? [['shard_heads', 1] as [string, number]] : []),
  ];
  for (const [name, value] of expected) {
    if (!stored.has(name)) {
      throw new LedgerLayoutMismatch(`keyspace ${keyspace} has no ${name} in ledger_layout: a migration is missing; run npm run migrate`);
    }
    if (stored.get(name) !== value) {
      throw new LedgerLayoutMismatch(
        `keyspace ${keyspace} has ${name} = ${stored.get(name) ?? 'nothing'}, this build uses ${value}; ` +
          'bucket sizes cannot change on a live keyspace',
      );
    }
  }
}
