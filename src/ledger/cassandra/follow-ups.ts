// A shard's follow-ups: rows bucketed by id (follow_ups_by_bucket), the range of buckets that may hold
// rows that matter (follow_up_range) and what moves it, the owed rows a commit swaps its intent for, and
// the rows left in the table before 005. Why the range and the write order are safe: PROTOCOL.md.

import type { FollowUp } from '../store.js';
import {
  CQL,
  type FollowUpIntent,
  type FollowUpPlace,
  type Statement,
  deleteIntentOf,
  deleteOwedOf,
  followUpOf,
  followUpPartitionOf,
  insertIntentOf,
  insertOwedOf,
  intentOf,
  long,
} from './cql.js';
import { firstIdOfFollowUpBucket, followUpBucketOf } from './layout.js';
import { mapBounded } from './map-bounded.js';
import { groupBy } from './partition-groups.js';
import type { CqlSession } from './session.js';

/** Most buckets one read of the range has in flight (it starts with one and doubles). */
const BUCKET_SCAN_WINDOW = 32;

/** Most rows one single-partition batch of follow-up deletes carries. */
const MAX_ROWS_PER_BATCH = 100;

/** An intent left by an earlier process, and the table it is in. */
export interface LeftIntent {
  place: FollowUpPlace;
  intent: FollowUpIntent;
}

interface FollowUpRange {
  low: number;
  high: number;
}

/** A pendingFollowUps read in progress: the ids completed (or rolled back) meanwhile, which it must not count as live. */
interface OwedScan {
  completed: Set<number>;
}

export class FollowUps {
  private readonly place: FollowUpPlace;
  private readonly oldPlace: FollowUpPlace;
  /** No owed row that is live, and no intent of a commit that may have reached step 2, has an id below low; undefined: none was ever written. */
  private low: number | undefined;
  /** Highest bucket that may hold such rows. */
  private high = Number.NEGATIVE_INFINITY;
  /** What follow_up_range holds as far as this store knows; undefined when unknown (a write failed or is out). */
  private stored: FollowUpRange | undefined;
  /** follow_up_range writes, one at a time. */
  private rangeWrites: Promise<void> = Promise.resolve();
  /** Ids of owed rows known to be live: committed (or being committed) here, or read by pendingFollowUps; not completed. */
  private readonly live = new LiveIds();
  /** Every live owed row below this id is in `live`: the stored low at open, +Infinity once a read has seen them all. */
  private knownUpTo = Number.NEGATIVE_INFINITY;
  /** Past every id this store has seen committed, and every bucket a complete read went through. */
  private seenEnd = Number.NEGATIVE_INFINITY;
  private readonly scans = new Set<OwedScan>();
  /** Owed rows in the table before 005 (all of them, read at open after its intents are settled). */
  private readonly oldLive = new Set<number>();
  /** Completed ids whose delete failed: deleted with the next completion (or at close), so they do not hold low back. */
  private readonly undeleted = new Set<number>();

  constructor(
    private readonly session: CqlSession,
    shard: number,
  ) {
    this.place = { shard, table: 'buckets' };
    this.oldPlace = { shard, table: 'old' };
  }

  /** At open, before the intents are settled. */
  async loadRange(): Promise<void> {
    const [row] = await this.session.selectAll(CQL.followUpRange, [this.place.shard]);
    if (row && row['low_id'] !== null && row['low_id'] !== undefined) {
      this.low = long(row['low_id']);
      this.high = row['high_bucket'] === null || row['high_bucket'] === undefined ? followUpBucketOf(this.low) : long(row['high_bucket']);
      this.stored = { low: this.low, high: this.high };
    }
    // Below the stored low nothing is live; above it, nothing is known until a read has seen it.
    this.knownUpTo = this.low ?? Number.POSITIVE_INFINITY;
  }

  /** Every intent an earlier process left: in the old table, and in the buckets of the range. */
  async leftIntents(): Promise<LeftIntent[]> {
    const rows = await this.session.selectAll(CQL.oldIntents, [this.oldPlace.shard]);
    const left: LeftIntent[] = rows.map((row) => ({ place: this.oldPlace, intent: intentOf(row) }));
    const from = this.low;
    if (from === undefined) return left;
    const read = (bucket: number) => this.session.selectAll(CQL.intentsFrom, [this.place.shard, bucket, from]);
    for await (const page of this.bucketPages(from, this.high, read)) {
      for (const row of page) left.push({ place: this.place, intent: intentOf(row) });
    }
    return left;
  }

  /** At open, once the old table's intents are settled: its owed rows, which completeFollowUps deletes there. */
  async loadOld(): Promise<void> {
    for (const row of await this.session.selectAll(CQL.oldOwedIds, [this.oldPlace.shard])) this.oldLive.add(long(row['id']));
  }

  /** Owed follow-ups, oldest first, at most limit; what it reads of the buckets, it remembers as live. */
  async pending(limit: number): Promise<FollowUp[]> {
    if (limit <= 0) return [];
    const scan: OwedScan = { completed: new Set() };
    this.scans.add(scan);
    const last = this.high;
    let old: FollowUp[];
    let found: FollowUp[];
    let complete: boolean;
    try {
      [old, [found, complete]] = await Promise.all([this.readOld(limit), this.readOwed(limit, last)]);
    } finally {
      this.scans.delete(scan);
    }
    for (const f of found) if (!scan.completed.has(f.id)) this.live.add(f.id);
    if (complete) {
      this.knownUpTo = Number.POSITIVE_INFINITY;
      this.seenEnd = Math.max(this.seenEnd, firstIdOfFollowUpBucket(last + 1));
    } else if (found.length > 0) {
      this.knownUpTo = Math.max(this.knownUpTo, found[found.length - 1].id + 1);
    }
    this.raiseLow();
    return [...old, ...found].sort((a, b) => a.id - b.id).slice(0, limit);
  }

  /**
   * Deletes the owed rows of these ids (in the old table for those read there), with those of earlier
   * completions whose delete failed, and moves low past them.
   */
  async complete(ids: number[]): Promise<void> {
    const unique = [...new Set([...this.undeleted, ...ids])];
    if (unique.length === 0) return;
    const old = unique.filter((id) => this.oldLive.has(id));
    const fresh = unique.filter((id) => !this.oldLive.has(id));
    try {
      await this.session.runAll([...deleteGroups(this.oldPlace, old), ...deleteGroups(this.place, fresh)]);
    } catch (err) {
      for (const id of unique) this.undeleted.add(id);
      throw err;
    }
    for (const id of unique) this.undeleted.delete(id);
    for (const id of old) this.oldLive.delete(id);
    for (const id of fresh) {
      this.live.delete(id);
      for (const scan of this.scans) scan.completed.add(id);
    }
    this.raiseLow();
  }

  /**
   * Before a commit's intent goes out (synchronously): its ids counted live, low lowered and high raised
   * to cover them. Returns what step 1 must await: the range written, unless the stored one covers them.
   */
  noteCommit(intent: FollowUpIntent): Promise<void> {
    let max = intent.id;
    for (const f of intent.followUps) {
      this.live.add(f.id);
      max = Math.max(max, f.id);
    }
    this.seenEnd = Math.max(this.seenEnd, max + 1);
    if (this.low === undefined || intent.id < this.low) this.low = intent.id;
    this.high = Math.max(this.high, followUpBucketOf(max));
    const stored = this.stored;
    if (stored && stored.low <= intent.id && stored.high >= followUpBucketOf(max)) return Promise.resolve();
    return this.persistRange();
  }

  /** The commit's rollback is written (its owed rows retracted, its intent deleted): its ids are no longer live. */
  rolledBack(intent: FollowUpIntent): void {
    for (const f of intent.followUps) {
      this.live.delete(f.id);
      for (const scan of this.scans) scan.completed.add(f.id);
    }
    this.raiseLow();
  }

  /** Step 1's intent row. */
  intentInsert(intent: FollowUpIntent): Statement {
    return insertIntentOf(this.place, intent);
  }

  /** The rollback's last step (with the outbox rows). */
  intentDelete(intent: FollowUpIntent): Statement {
    return deleteIntentOf(this.place, intent.id);
  }

  /** Step 2b. */
  writeOwed(intent: FollowUpIntent): Promise<void> {
    return writeOwed(this.session, this.place, intent);
  }

  /** The rollback's first step. */
  retract(intent: FollowUpIntent): Promise<void> {
    return retractOwed(this.session, this.place, intent);
  }

  /** Fenced mode, at open: follow_up_range written again under this owner's token, even if it did not change. */
  rewriteRange(): Promise<void> {
    this.stored = undefined;
    return this.persistRange(true);
  }

  /**
   * Writes follow_up_range after every earlier write of it, with the values of that moment. `exact`
   * (at close) also writes a low moved within its bucket, which the lazy writes skip: the next open
   * then starts reading that bucket at the oldest live row rather than at an earlier delivered one.
   */
  persistRange(exact = false): Promise<void> {
    const write = this.rangeWrites.then(() => this.writeRange(exact));
    this.rangeWrites = write.catch(() => undefined);
    return write;
  }

  /** Low moved up to what this store knows is live; written lazily (a stale low only costs reads). */
  private raiseLow(): void {
    if (this.low === undefined) return;
    const candidate = Math.min(this.live.min() ?? this.seenEnd, this.knownUpTo);
    if (candidate <= this.low) return;
    this.low = candidate;
    this.persistRange().catch(() => undefined);
  }

  private async writeRange(exact: boolean): Promise<void> {
    const low = this.low;
    const high = this.high;
    const stored = this.stored;
    if (low === undefined) return;
    if (stored && stored.high === high) {
      if (stored.low === low) return;
      if (!exact && stored.low < low && followUpBucketOf(stored.low) === followUpBucketOf(low)) return;
    }
    this.stored = undefined;
    await this.session.execute(CQL.setFollowUpRange, [this.place.shard, low, high]);
    this.stored = { low, high };
  }

  private async readOld(limit: number): Promise<FollowUp[]> {
    if (this.oldLive.size === 0) return [];
    return (await this.session.selectAll(CQL.oldOwed, [this.oldPlace.shard, limit])).map(followUpOf);
  }

  /** Owed rows from low up to the bucket `last`, at most limit, and whether they are all there are. */
  private async readOwed(limit: number, last: number): Promise<[FollowUp[], boolean]> {
    const from = this.low;
    if (from === undefined) return [[], true];
    const found: FollowUp[] = [];
    const read = (bucket: number) => this.session.selectAll(CQL.owedFrom, [this.place.shard, bucket, from, limit - found.length]);
    for await (const page of this.bucketPages(from, last, read)) {
      for (const row of page.slice(0, limit - found.length)) found.push(followUpOf(row));
      if (found.length >= limit) return [found, false];
    }
    return [found, true];
  }

  /**
   * The pages of the buckets from that of `from` to `last`, in ascending order, read a window at a time
   * (1, 2, 4 … 32 buckets); a caller that stops early stops the reads after the current window.
   */
  private async *bucketPages<T>(from: number, last: number, read: (bucket: number) => Promise<T[]>): AsyncGenerator<T[]> {
    let window = 1;
    for (let bucket = followUpBucketOf(from); bucket <= last; window = Math.min(window * 2, BUCKET_SCAN_WINDOW)) {
      const buckets: number[] = [];
      for (; bucket <= last && buckets.length < window; bucket++) buckets.push(bucket);
      yield* await mapBounded(buckets, this.session.concurrency, read);
    }
  }
}

/**
 * Step 2b (and its redo at open): the owed rows in the other buckets of the batch first, then one batch
 * in the intent's partition with its owed rows there and the intent's delete. So the intent is gone
 * only once every owed row of its batch is written.
 */
export async function writeOwed(session: CqlSession, place: FollowUpPlace, intent: FollowUpIntent): Promise<void> {
  const { withIntent, elsewhere } = byIntentPartition(place, intent, intent.followUps, (f) => insertOwedOf(place, f));
  await session.runAll(elsewhere);
  await session.writeGroup([...withIntent, deleteIntentOf(place, intent.id)]);
}

/**
 * The undo's first step: one batch in the intent's partition rewriting the intent and deleting its owed
 * rows there, then the owed rows in the other buckets. So the intent exists again before any owed row of
 * its batch goes, and stays until the undo is done.
 */
export async function retractOwed(
  session: CqlSession,
  place: FollowUpPlace,
  intent: FollowUpIntent,
  followUps = intent.followUps,
): Promise<void> {
  const { withIntent, elsewhere } = byIntentPartition(place, intent, followUps, (f) => deleteOwedOf(place, f.id));
  await session.writeGroup([...withIntent, insertIntentOf(place, intent)]);
  await session.runAll(elsewhere);
}

/** Statements for these follow-ups: those in the intent's partition, and the others grouped per partition. */
function byIntentPartition(
  place: FollowUpPlace,
  intent: FollowUpIntent,
  followUps: FollowUp[],
  statementOf: (f: FollowUp) => Statement,
): { withIntent: Statement[]; elsewhere: Statement[][] } {
  const home = followUpPartitionOf(place, intent.id);
  const byPartition = groupBy(followUps, (f) => followUpPartitionOf(place, f.id));
  const withIntent = (byPartition.get(home) ?? []).map(statementOf);
  byPartition.delete(home);
  return { withIntent, elsewhere: [...byPartition.values()].map((inPartition) => inPartition.map(statementOf)) };
}

function deleteGroups(place: FollowUpPlace, ids: number[]): Statement[][] {
  const groups: Statement[][] = [];
  for (const inPartition of groupBy(ids, (id) => followUpPartitionOf(place, id)).values()) {
    for (let i = 0; i < inPartition.length; i += MAX_ROWS_PER_BATCH) {
      groups.push(inPartition.slice(i, i + MAX_ROWS_PER_BATCH).map((id) => deleteOwedOf(place, id)));
    }
  }
  return groups;
}

/**
 * A set of ids that answers its smallest cheaply when ids arrive mostly in increasing order (the engine
 * numbers follow-ups so): a sorted array whose removed ids are skipped from the front.
 */
class LiveIds {
  private readonly present = new Set<number>();
  private sorted: number[] = [];
  private head = 0;

  add(id: number): void {
    if (this.present.has(id)) return;
    this.present.add(id);
    const sorted = this.sorted;
    if (sorted.length === this.head || id > sorted[sorted.length - 1]) {
      sorted.push(id);
    } else {
      let lo = this.head;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < id) lo = mid + 1;
        else hi = mid;
      }
      sorted.splice(lo, 0, id);
    }
    if (sorted.length - this.head > 2 * this.present.size + 1024) this.compact();
  }

  delete(id: number): void {
    this.present.delete(id);
  }

  min(): number | undefined {
    while (this.head < this.sorted.length && !this.present.has(this.sorted[this.head])) this.head++;
    if (this.head > 1024 && this.head * 2 > this.sorted.length) this.compact();
    return this.head < this.sorted.length ? this.sorted[this.head] : undefined;
  }

  /** Drops removed ids (and the copies a removed-then-added id left). */
  private compact(): void {
    this.sorted = [...new Set(this.sorted.slice(this.head).filter((id) => this.present.has(id)))];
    this.head = 0;
  }
}
