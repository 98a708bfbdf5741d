// What open() settles before the store serves: follow-up intents, then the outbox tail a previous process
// may have left mid-commit, rewritten with timestamps newer than anything it sent (PROTOCOL.md).

import type { LedgerEntry } from '../../actor/entries.js';
import type { EventEnvelope } from '../outbox.js';
import { CQL, deleteIntentOf, insertEntryOf, long, owedAtOf } from './cql.js';
import { type FollowUps, retractOwed, writeOwed } from './follow-ups.js';
import { entryBucketOf, lastIdOfOutboxBucket, outboxBucketOf } from './layout.js';
import { mapBounded } from './map-bounded.js';
import type { OutboxCursor } from './outbox-cursor.js';
import { entryDeleteGroups, entryGroups } from './partition-groups.js';
import type { LedgerReads } from './reads.js';
import type { CqlSession } from './session.js';

/**
 * Settles every follow-up intent a previous process left (see PROTOCOL.md), in the buckets of the
 * follow-up range and in the table before 005: a commit whose entries all exist is completed
 * (entries fenced, follow-ups owed), any other is undone whole.
 */
export async function recoverFollowUps(session: CqlSession, followUps: FollowUps, reads: LedgerReads): Promise<void> {
  // One at a time: normally none, after a crash the one or two commits the process had in flight.
  for (const { place, intent } of await followUps.leftIntents()) {
    const refs = intent.entries.map(([tenantId, memberId, seq]) => ({ tenantId, memberId, seq }));
    const found = await mapBounded(refs, session.concurrency, (ref) => reads.readEntry(ref, ref.seq));
    // Exactly the entries this commit wrote: the same key and decision time at the same seq.
    const ours = found.map((e, i) => e !== undefined && e.idempotencyKey === intent.entries[i][3] && e.createdAt === intent.entries[i][4]);
    if (ours.every(Boolean)) {
      // Rewritten as they are: a late copy of the dead process's rollback cannot delete them now.
      await session.runAll(entryGroups(found as LedgerEntry[], insertEntryOf));
      await writeOwed(session, place, intent);
      continue;
    }
    // Undone whole. An intent can also be a late copy of a step 1 that was never acknowledged (so
    // none of its entries was written) landing after the open that followed: its seqs and follow-up
    // ids may since hold another commit's rows, which must stay. So only owed rows that are absent
    // or carry this commit's command are deleted, and only entries that are absent or this commit's.
    const owed = await mapBounded(intent.followUps, session.concurrency, (f) => {
      const { query, params } = owedAtOf(place, f.id);
      return session.selectAll(query, params);
    });
    const mine = intent.followUps.filter((f, i) => owed[i].length === 0 || owed[i][0]['body'] === JSON.stringify(f.command));
    await retractOwed(session, place, intent, mine);
    await session.runAll(entryDeleteGroups(refs.filter((_, i) => found[i] === undefined || ours[i])));
    await session.writeGroup([deleteIntentOf(place, intent.id)]);
  }
}

/**
 * Settles the outbox tail a previous process may have left mid-commit (see PROTOCOL.md):
 * ids after the committed hint are checked against the ledger, their missing entries fenced.
 */
export async function recoverOutbox(session: CqlSession, shard: number, reads: LedgerReads, cursor: OutboxCursor): Promise<void> {
  const from = await cursor.load();
  const lastId = await newestOutboxId(session, shard, from);
  // One record at a time (its events are checked concurrently): the tail is one or two commits long.
  for (let id = from + 1; id <= lastId; id++) await settleOutboxRecord(session, shard, reads, id);
  cursor.recovered(Math.max(from, lastId));
  await cursor.storeCommittedHint();
}

async function settleOutboxRecord(session: CqlSession, shard: number, reads: LedgerReads, id: number): Promise<void> {
  const bucket = outboxBucketOf(id);
  const [row] = await session.selectAll(CQL.outboxAt, [shard, bucket, id]);
  if (!row) {
    // Not there now; a late copy of an unacknowledged write must not appear after this point.
    await session.execute(CQL.deleteOutboxRow, [shard, bucket, id]);
    return;
  }
  const envelope = JSON.parse(row['envelope']) as EventEnvelope;
  // Every entry of the tail is decided again with a timestamp newer than anything the dead process
  // sent: a present one is rewritten as it is (so a late copy of that process's rollback cannot delete
  // it after its event was kept), an absent one is deleted (so a late copy of its write cannot appear).
  const kept = await mapBounded(envelope.events, session.concurrency, async (event) => {
    const entry = await reads.readEntry(event, event.seq);
    if (!entry) {
      await session.execute(CQL.deleteEntry, [event.tenantId, event.memberId, entryBucketOf(event.seq), event.seq]);
      return false;
    }
    const same = entry.idempotencyKey === event.idempotencyKey && entry.points === event.points && entry.createdAt === event.createdAt;
    if (same) await session.writeGroup([insertEntryOf(entry)]);
    return same;
  });
  const settled: EventEnvelope = { ...envelope, events: envelope.events.filter((_, i) => kept[i]) };
  // Rewritten even when unchanged: the newer write timestamp also shadows any late copy of the original.
  await session.execute(CQL.insertOutbox, [shard, bucket, id, JSON.stringify(settled)]);
}

/** Ids have no gaps within a run, so a partition that does not end full is the newest one. */
async function newestOutboxId(session: CqlSession, shard: number, from: number): Promise<number> {
  let newest = from;
  for (let bucket = outboxBucketOf(from + 1); ; bucket++) {
    const [row] = await session.selectAll(CQL.outboxNewest, [shard, bucket]);
    if (!row) return newest;
    const id = long(row['id']);
    newest = Math.max(newest, id);
    if (id < lastIdOfOutboxBucket(bucket)) return newest;
  }
}
