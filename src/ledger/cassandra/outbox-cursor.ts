// The shard's outbox positions: the committed horizon the relay reads up to, the published cursor, the
// committed_id hint where open() starts its check, and the dropping of published partitions.

import type { EventEnvelope, OutboxRecord } from '../outbox.js';
import type { OutboxPosition } from '../store.js';
import { CQL, type Statement, long } from './cql.js';
import { OUTBOX_BUCKET_SIZE, lastIdOfOutboxBucket, outboxBucketOf } from './layout.js';
import type { CqlSession } from './session.js';

export class OutboxCursor {
  /** Highest outbox id whose commit completed (here, or recovered at open): the relay's horizon. */
  private committedId = 0;
  /** The committed_id hint as stored; it lags committedId by one commit (written with the next one). */
  private storedCommittedId = 0;
  private publishedId = 0;
  /** Outbox partitions below this one are deleted (fully published). */
  private firstLiveBucket = 0;

  constructor(
    private readonly session: CqlSession,
    private readonly shard: number,
  ) {}

  position(): OutboxPosition {
    return { lastId: Math.max(this.committedId, this.publishedId), publishedId: this.publishedId };
  }

  async readOutbox(afterId: number, limit: number): Promise<OutboxRecord[]> {
    const upper = this.committedId; // never past a commit still in flight or rolled back
    const records: OutboxRecord[] = [];
    let after = afterId;
    for (let bucket = outboxBucketOf(afterId + 1); records.length < limit && after < upper; bucket++) {
      const want = Math.min(limit - records.length, OUTBOX_BUCKET_SIZE);
      const rows = await this.session.selectAll(CQL.outboxRange, [this.shard, bucket, after, upper, want]);
      for (const row of rows) records.push({ id: long(row['id']), envelope: JSON.parse(row['envelope']) as EventEnvelope });
      after = Math.max(after, lastIdOfOutboxBucket(bucket));
    }
    return records;
  }

  async markPublished(id: number): Promise<void> {
    if (id > this.publishedId) {
      await this.session.execute(CQL.setPublished, [id, id, this.shard]);
      this.publishedId = id;
    }
    await this.dropPublishedBuckets();
  }

  /** The committed horizon as a commit starts: the hint it stores with its step 1. */
  get committed(): number {
    return this.committedId;
  }

  /** The previous commit is complete: move the recovery hint along with step 1, at no extra round trip. */
  hintGroups(): Statement[][] {
    if (this.committedId <= this.storedCommittedId) return [];
    return [[{ query: CQL.setCommitted, params: [this.committedId, this.committedId, this.shard] }]];
  }

  /** Step 1 carrying the hint was acknowledged. */
  hintStored(hint: number): void {
    this.storedCommittedId = Math.max(this.storedCommittedId, hint);
  }

  /** The commit of these records completed: the relay may read them. */
  noteCommitted(outbox: OutboxRecord[]): void {
    for (const r of outbox) this.committedId = Math.max(this.committedId, r.id);
  }

  /** Reads the stored cursor; returns the id after which an unfinished commit may have left records. */
  async load(): Promise<number> {
    const [cursor] = await this.session.selectAll(CQL.cursor, [this.shard]);
    this.publishedId = long(cursor?.['published_id']);
    this.storedCommittedId = long(cursor?.['committed_id']);
    this.firstLiveBucket = outboxBucketOf(this.publishedId + 1);
    return Math.max(this.publishedId, this.storedCommittedId);
  }

  /** Every record up to id is settled (open's recovery): the relay's horizon. */
  recovered(id: number): void {
    this.committedId = id;
  }

  async storeCommittedHint(): Promise<void> {
    const id = this.committedId;
    if (id <= this.storedCommittedId) return;
    await this.session.execute(CQL.setCommitted, [id, id, this.shard]);
    this.storedCommittedId = Math.max(this.storedCommittedId, id);
  }

  /** Deletes whole outbox partitions once every id in them is published (one tombstone per partition). */
  private async dropPublishedBuckets(): Promise<void> {
    const end = outboxBucketOf(this.publishedId + 1);
    while (this.firstLiveBucket < end) {
      try {
        await this.session.execute(CQL.deleteOutboxBucket, [this.shard, this.firstLiveBucket]);
      } catch {
        return; // tried again on the next markPublished; a published partition only costs space meanwhile
      }
      this.firstLiveBucket++;
    }
  }
}
