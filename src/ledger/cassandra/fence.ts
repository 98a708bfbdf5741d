// Fencing at the ledger (issue 13; deploy/CLUSTER.md "Fencing at the ledger", PROTOCOL.md "Fenced mode"):
// a store opened with a fence owns its ledger shard at an epoch. It takes the shard over with an LWT
// (IF epoch < mine), makes each group commit valid with ONE conditional batch in the shard's
// shard_heads partition (IF epoch = mine AND incarnation = mine: the commit point, after the entries),
// and stamps every other write with a timestamp ordered by the fence token, so a newer owner's write
// always wins a same-key collision with a deposed owner's late one. Readers trust only what the heads
// cover. Without a fence (a single node) none of this runs.

import { types } from 'cassandra-driver';
import type { MemberRef } from '../store.js';
import { CQL as CQL_LEDGER, type Statement, long } from './cql.js';
import { type CqlClient, QUERY } from './session.js';
import { memberKey } from './writer-knowledge.js';

export interface FenceOptions {
  /** The ownership epoch of the shard (the etcd create revision of its slot keys): only grows. */
  epoch: number;
  /**
   * TEST ONLY (issue 13's fencing-off variant): the takeover and every commit point are written without
   * their IF, so a deposed owner's commits go through. Never set it outside a test that must show the
   * fence is what keeps two owners apart.
   */
  testOnlyUnconditional?: boolean;
  /** TEST ONLY: awaited inside a commit, to interleave two owners' commits at the protocol's steps. */
  testHooks?: FenceTestHooks;
}

export interface FenceTestHooks {
  /** After step 1 (pointers, outbox), before the entries are written. */
  beforeEntries?: () => Promise<void>;
  /** After the entries, before the commit point. */
  beforeCommitPoint?: () => Promise<void>;
}

/** A newer owner holds the ledger shard: the commit (or the takeover) was refused, nothing of it is valid. */
export class ShardFenced extends Error {
  override name = 'ShardFenced';
  constructor(
    readonly shard: number,
    /** The epoch this store holds (or tried to take the shard at). */
    readonly epoch: number,
    /** The epoch the shard's fence holds now, when the refusal said. */
    readonly ownerEpoch: number | undefined,
    /**
     * The commit point timed out and the shard had moved when it was read: its Paxos round may have been
     * completed by the takeover (so applied before it) or not. A retry on the new owner finds it by its key.
     */
    readonly maybeApplied = false,
  ) {
    super(
      `ledger shard ${shard} is fenced: epoch ${epoch} no longer owns it` +
        (ownerEpoch === undefined
          ? ''
          : ownerEpoch === epoch
            ? ' (a later incarnation of the same epoch re-opened it)'
            : ` (the shard is held at epoch ${ownerEpoch})`) +
        (maybeApplied
          ? '; this commit timed out and may have been applied before the move (retry with the same key)'
          : '; nothing of this commit or takeover was applied'),
    );
  }
}

/** The outcome of a commit point is unknown (its LWT timed out and the SERIAL read failed too): reopen the store. */
export class FenceUncertain extends Error {
  override name = 'FenceUncertain';
}

const CQL = {
  token: 'SELECT epoch, incarnation, commits, committed_outbox FROM shard_heads WHERE shard = ? LIMIT 1',
  create: 'INSERT INTO shard_heads (shard, epoch, incarnation, commits, committed_outbox) VALUES (?, ?, 1, 0, 0) IF NOT EXISTS',
  takeOver: 'UPDATE shard_heads SET epoch = ?, incarnation = ?, commits = 0 WHERE shard = ? IF epoch < ? AND incarnation = ?',
  resume: 'UPDATE shard_heads SET incarnation = ?, commits = 0 WHERE shard = ? IF epoch = ? AND incarnation = ?',
  point: 'UPDATE shard_heads SET commits = ?, committed_outbox = ? WHERE shard = ? IF epoch = ? AND incarnation = ?',
  head: 'UPDATE shard_heads SET head_seq = ? WHERE shard = ? AND tenant_id = ? AND member_id = ?',
  headAt: 'SELECT head_seq FROM shard_heads WHERE shard = ? AND tenant_id = ? AND member_id = ?',
  // The test-only switch: the same writes without their condition.
  takeOverOff: 'UPDATE shard_heads SET epoch = ?, incarnation = ?, commits = 0 WHERE shard = ?',
  pointOff: 'UPDATE shard_heads SET commits = ?, committed_outbox = ? WHERE shard = ?',
} as const;

/** LWTs: SERIAL for the Paxos phase (one owner cluster-wide, across data centres), LOCAL_QUORUM to commit it. */
const LWT = { ...QUERY, serialConsistency: types.consistencies.serial } as const;
const SERIAL_READ = { ...QUERY, consistency: types.consistencies.serial } as const;

/**
 * Fenced write timestamps: FENCE_TS_BASE + incarnation · 2^40 + n, n counting this incarnation's writes.
 * Above every wall-clock timestamp (microseconds: 2^60 is ~36,000 years), so fenced writes also win over
 * rows a single-node store wrote before; below 2^63 for incarnations up to ~7.3M per shard.
 */
const FENCE_TS_BASE = 1n << 60n;
const INCARNATION_SHIFT = 40n;
const WRITES_PER_INCARNATION = 1n << INCARNATION_SHIFT;

/** How many attempts a takeover makes while other writers move the fence under it. */
const TAKEOVER_ATTEMPTS = 8;

interface Token {
  epoch: number;
  incarnation: number;
}

export class ShardFence {
  private writes = 0n;
  private commits = 0;
  private deposed: ShardFenced | FenceUncertain | undefined;
  /** Members' heads as this owner knows them: read once, then moved only by its own commits (it is the only writer). */
  private readonly heads = new Map<string, number>();

  private constructor(
    private readonly client: CqlClient,
    readonly shard: number,
    private readonly token: Token,
    /** The relay's horizon: the highest outbox id of an applied commit. */
    private outboxTop: number,
    private readonly options: FenceOptions,
    private readonly headCapacity: number,
  ) {}

  get epoch(): number {
    return this.token.epoch;
  }

  get incarnation(): number {
    return this.token.incarnation;
  }

  get committedOutbox(): number {
    return this.outboxTop;
  }

  get hooks(): FenceTestHooks {
    return this.options.testHooks ?? {};
  }

  /**
   * Takes the shard at options.epoch: IF epoch < mine (a takeover: any Paxos round an older owner left
   * is completed first, so each of its commits is before this one or refused), or, at the same epoch,
   * a new incarnation of the same ownership (a restarted owner; its predecessor's commits are then
   * refused the same way). A shard held at a larger epoch refuses with ShardFenced.
   */
  static async takeOver(client: CqlClient, shard: number, options: FenceOptions, headCapacity: number): Promise<ShardFence> {
    const mine = options.epoch;
    if (!Number.isSafeInteger(mine) || mine <= 0) throw new RangeError(`fence epoch must be a positive integer, got ${mine}`);
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      const [row] = (await client.execute(CQL.token, [shard], SERIAL_READ)).rows;
      const held = row && row['epoch'] !== null ? { epoch: long(row['epoch']), incarnation: long(row['incarnation']) } : undefined;
      const outboxTop = long(row?.['committed_outbox']);
      if (held && held.epoch > mine && !options.testOnlyUnconditional) throw new ShardFenced(shard, mine, held.epoch);
      const token = { epoch: mine, incarnation: (held?.incarnation ?? 0) + 1 };
      if (options.testOnlyUnconditional) {
        await client.execute(CQL.takeOverOff, [mine, token.incarnation, shard], QUERY);
        return new ShardFence(client, shard, token, outboxTop, options, headCapacity);
      }
      const result = !held
        ? await client.execute(CQL.create, [shard, mine], LWT)
        : held.epoch < mine
          ? await client.execute(CQL.takeOver, [mine, token.incarnation, shard, mine, held.incarnation], LWT)
          : await client.execute(CQL.resume, [token.incarnation, shard, mine, held.incarnation], LWT);
      if (result.wasApplied()) return new ShardFence(client, shard, token, outboxTop, options, headCapacity);
      // Someone moved the fence between the read and the LWT: read it again (a larger epoch refuses above).
    }
    throw new Error(`ledger shard ${shard}: the fence kept moving during ${TAKEOVER_ATTEMPTS} takeover attempts at epoch ${mine}`);
  }

  /** The timestamp of this owner's next write: later than every write of earlier incarnations, and than its own earlier ones. */
  writeTimestamp(): types.Long {
    this.writes += 1n;
    if (this.writes >= WRITES_PER_INCARNATION) {
      // 2^40 writes in one incarnation; a re-open (a new incarnation) starts a fresh range.
      throw new FenceUncertain(`ledger shard ${this.shard}: incarnation ${this.token.incarnation} used all its write timestamps; reopen`);
    }
    return types.Long.fromString((this.base() + this.writes).toString());
  }

  /** A snapshot's timestamp: ordered by incarnation, then by seq (an older snapshot never hides a newer one). */
  snapshotTimestamp(seq: number): types.Long {
    return types.Long.fromString((this.base() + BigInt(seq)).toString());
  }

  /** Refuses at once when this store already learnt that it lost the shard. */
  checkNotDeposed(): void {
    if (this.deposed) throw this.deposed;
  }

  /**
   * The commit point: one conditional batch in the shard's partition, the heads of the members the
   * commit wrote and the outbox horizon, IF the fence still holds this owner's token. Applied: the
   * commit is valid. Refused: ShardFenced, and every later commit of this store is refused too.
   */
  async commitPoint(heads: [tenantId: string, memberId: string, seq: number][], outboxTop: number): Promise<void> {
    this.checkNotDeposed();
    const commit = this.commits + 1;
    const top = Math.max(this.outboxTop, outboxTop);
    const off = this.options.testOnlyUnconditional === true;
    const statements = [
      {
        query: off ? CQL.pointOff : CQL.point,
        params: off ? [commit, top, this.shard] : [commit, top, this.shard, this.epoch, this.incarnation],
      },
      ...heads.map(([tenantId, memberId, seq]) => ({ query: CQL.head, params: [seq, this.shard, tenantId, memberId] })),
    ];
    let applied: boolean;
    try {
      const result = await this.client.batch(statements, { ...(off ? QUERY : LWT), logged: false });
      applied = off || result.wasApplied();
      if (!applied) {
        const held = result.rows?.[0]?.['epoch'];
        this.deposed = new ShardFenced(this.shard, this.epoch, held === null || held === undefined ? undefined : long(held));
      }
    } catch (err) {
      applied = await this.resolveUnknown(err, commit);
    }
    if (this.deposed) {
      this.heads.clear();
      throw this.deposed;
    }
    if (!applied) throw new Error(`ledger shard ${this.shard}: commit point not applied`);
    this.commits = commit;
    this.outboxTop = top;
    for (const [tenantId, memberId, seq] of heads) this.noteHead(tenantId, memberId, seq);
  }

  /** Each member's head seq (0: nothing committed), from what this owner knows or read at LOCAL_QUORUM. */
  async headOf(ref: MemberRef): Promise<number> {
    const key = memberKey(ref.tenantId, ref.memberId);
    const known = this.heads.get(key);
    if (known !== undefined) return known;
    const [row] = (await this.client.execute(CQL.headAt, [this.shard, ref.tenantId, ref.memberId], QUERY)).rows;
    const head = long(row?.['head_seq']);
    this.noteHead(ref.tenantId, ref.memberId, head);
    return head;
  }

  /** After a failed commit nothing is assumed about its members (the commit point may have been applied). */
  forget(ref: MemberRef): void {
    this.heads.delete(memberKey(ref.tenantId, ref.memberId));
  }

  private noteHead(tenantId: string, memberId: string, seq: number): void {
    const key = memberKey(tenantId, memberId);
    const known = this.heads.get(key);
    this.heads.delete(key);
    this.heads.set(key, Math.max(known ?? 0, seq));
    if (this.heads.size > this.headCapacity) {
      const oldest = this.heads.keys().next().value;
      if (oldest !== undefined) this.heads.delete(oldest);
    }
  }

  /**
   * The commit point failed without an answer (a timeout: the Paxos round may or may not complete). A
   * SERIAL read completes or supersedes any round in progress, then says: still this token with this
   * commit's number (applied), still this token without it (not applied: the commit fails and is rolled
   * back), or another token (fenced). If that read fails too, the outcome stays unknown: the store refuses
   * every later commit until it is reopened (a new incarnation, whose takeover settles the round).
   */
  private async resolveUnknown(cause: unknown, commit: number): Promise<boolean> {
    let row: types.Row | undefined;
    try {
      [row] = (await this.client.execute(CQL.token, [this.shard], SERIAL_READ)).rows;
    } catch {
      this.deposed = new FenceUncertain(`ledger shard ${this.shard}: the outcome of commit point ${commit} is unknown; reopen the store`, {
        cause,
      });
      return false;
    }
    const epoch = long(row?.['epoch']);
    if (epoch !== this.epoch || long(row?.['incarnation']) !== this.incarnation) {
      this.deposed = new ShardFenced(this.shard, this.epoch, epoch, true);
      return false;
    }
    if (long(row?.['commits']) === commit) return true;
    throw cause;
  }

  private base(): bigint {
    return FENCE_TS_BASE + (BigInt(this.token.incarnation) << INCARNATION_SHIFT);
  }
}

/**
 * A row as fenced mode writes it: every column set (an unset one becomes null, an entry's absent detail
 * ''), so no cell of a deposed owner's late row at the same key can show through the newer owner's row.
 */
export function fullRow(statement: Statement): Statement {
  if (!statement.params.includes(types.unset)) return statement;
  const blank = statement.query === CQL_LEDGER.insertEntry ? '' : null;
  return { query: statement.query, params: statement.params.map((p) => (p === types.unset ? blank : p)) };
}
