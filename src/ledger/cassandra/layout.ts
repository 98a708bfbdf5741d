// How the ledger is cut into Cassandra partitions. These numbers are part of the stored data: the
// migration records them in ledger_layout and the store refuses to open a keyspace written with others.

/** Entries per member partition: bucket = floor(seq / ENTRY_BUCKET_SIZE). */
export const ENTRY_BUCKET_SIZE = 1000;

/** Outbox ids per shard partition: bucket = floor(id / OUTBOX_BUCKET_SIZE). */
export const OUTBOX_BUCKET_SIZE = 100;

export function entryBucketOf(seq: number): number {
  return Math.floor(seq / ENTRY_BUCKET_SIZE);
}

/** The highest seq an entry bucket can hold. */
export function lastSeqOfBucket(bucket: number): number {
  return (bucket + 1) * ENTRY_BUCKET_SIZE - 1;
}

export function outboxBucketOf(id: number): number {
  return Math.floor(id / OUTBOX_BUCKET_SIZE);
}

/** The highest outbox id a bucket can hold. */
export function lastIdOfOutboxBucket(bucket: number): number {
  return (bucket + 1) * OUTBOX_BUCKET_SIZE - 1;
}

/** Due-index rows per shard partition: day = floor(at / DUE_BUCKET_MS), one UTC day of due instants. */
export const DUE_BUCKET_MS = 86_400_000;

export function dueBucketOf(at: number): number {
  return Math.floor(at / DUE_BUCKET_MS);
}

/**
 * Follow-up ids per shard partition: bucket = floor(id / FOLLOW_UP_BUCKET_IDS). The engine numbers a
 * shard's follow-ups from the wall clock in microseconds (shard-core), so a bucket holds what the shard
 * committed in about 10 s: a busy shard (1,000 follow-ups/s, a flash sale or a transfer rush) leaves
 * ~10,000 row tombstones in a bucket, a tenth of tombstone_failure_threshold; and a reader held back
 * by an old undelivered follow-up reads 8,640 buckets per day it is behind, not hundreds of thousands.
 */
export const FOLLOW_UP_BUCKET_IDS = 10_000_000;

export function followUpBucketOf(id: number): number {
  return Math.floor(id / FOLLOW_UP_BUCKET_IDS);
}

/** The lowest follow-up id a bucket can hold. */
export function firstIdOfFollowUpBucket(bucket: number): number {
  return bucket * FOLLOW_UP_BUCKET_IDS;
}
