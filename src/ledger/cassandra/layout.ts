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
