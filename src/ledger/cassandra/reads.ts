// The store's reads: entries bucket by bucket, and derived rows (keys, order versions) trusted only when
// the entry they point at exists. What a read proves durable is noted in the writer knowledge.

import type { LedgerEntry, OrderRecord } from '../../actor/entries.js';
import type { MemberState } from '../../actor/state.js';
import type { KeyRef, MemberHistory, MemberLoad, MemberRef, OrderRef } from '../store.js';
import { CQL, entryOf, long, orderOf } from './cql.js';
import { ENTRY_BUCKET_SIZE, entryBucketOf, lastSeqOfBucket } from './layout.js';
import { mapBounded } from './map-bounded.js';
import { groupBy } from './partition-groups.js';
import type { ShardFence } from './fence.js';
import type { CqlSession } from './session.js';
import { type WriterKnowledge, memberKey } from './writer-knowledge.js';

/** Scylla refuses more than 100 clustering keys in one IN (max_clustering_key_restrictions_per_query). */
const MAX_KEYS_PER_IN = 100;

export class LedgerReads {
  constructor(
    private readonly session: CqlSession,
    private readonly knowledge: WriterKnowledge,
    /** Fenced mode: only entries at or below a member's head are committed (rows beyond it are not). */
    private readonly fence?: ShardFence,
  ) {}

  async loadMembers(refs: MemberLoad[]): Promise<MemberHistory[]> {
    return mapBounded(refs, this.session.concurrency, async (ref) => {
      const head = await this.headOf(ref);
      const stored = ref.afterSeq === undefined ? await this.readSnapshot(ref) : null;
      const snapshot = stored && stored.seq <= head ? stored : null;
      // With afterSeq the entry at afterSeq itself is returned too (see MemberLoad).
      const from = ref.afterSeq !== undefined ? Math.max(0, ref.afterSeq - 1) : (snapshot?.seq ?? 0);
      const entries = await this.readEntriesAfter(ref, from, Number.POSITIVE_INFINITY, head);
      // afterSeq is the caller's claim, not something read here, so it teaches nothing about durability.
      const readSeq = entries.length > 0 ? entries[entries.length - 1].seq : (snapshot?.seq ?? 0);
      this.knowledge.noteRead(ref.tenantId, ref.memberId, readSeq, from === 0 && entries.length === 0);
      return { snapshot, entries };
    });
  }

  async findByIdempotencyKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    const found = await this.lookupKeys(refs);
    for (let i = 0; i < refs.length; i++) {
      if (!found[i]) this.knowledge.noteFreeKeys(refs[i].tenantId, refs[i].memberId, [refs[i].idempotencyKey]);
    }
    return found;
  }

  async getOrders(refs: OrderRef[]): Promise<(OrderRecord | undefined)[]> {
    return mapBounded(refs, this.session.concurrency, async (ref) => {
      const versions = await this.session.selectAll(CQL.orderVersions, [ref.tenantId, ref.memberId, ref.orderId]);
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
    const entries = await this.readEntriesAfter(ref, afterSeq, limit, await this.headOf(ref));
    if (entries.length > 0) this.knowledge.noteRead(ref.tenantId, ref.memberId, entries[entries.length - 1].seq, false);
    return entries;
  }

  async readEntry(ref: MemberRef, seq: number): Promise<LedgerEntry | undefined> {
    if (this.fence && seq > (await this.fence.headOf(ref))) return undefined; // not committed, whatever the row says
    const [row] = await this.session.selectAll(CQL.entryAt, [ref.tenantId, ref.memberId, entryBucketOf(seq), seq]);
    return row ? entryOf(ref, row) : undefined;
  }

  /**
   * The entry each key produced, trusted only if the entry at the key's seq exists and carries the key:
   * key rows are written before their entries, so a key row alone proves nothing.
   */
  async lookupKeys(refs: KeyRef[]): Promise<(LedgerEntry | undefined)[]> {
    const seqs = new Map<string, number>();
    const queries: { ref: MemberRef; keys: string[] }[] = [];
    for (const group of groupBy(refs, (r) => memberKey(r.tenantId, r.memberId)).values()) {
      const keys = [...new Set(group.map((r) => r.idempotencyKey))];
      for (let i = 0; i < keys.length; i += MAX_KEYS_PER_IN) queries.push({ ref: group[0], keys: keys.slice(i, i + MAX_KEYS_PER_IN) });
    }
    await mapBounded(queries, this.session.concurrency, async ({ ref, keys }) => {
      for (const row of await this.session.selectAll(CQL.keysIn, [ref.tenantId, ref.memberId, keys])) {
        seqs.set(`${memberKey(ref.tenantId, ref.memberId)}\u0000${row['idempotency_key']}`, long(row['seq']));
      }
    });
    return mapBounded(refs, this.session.concurrency, async (ref) => {
      const seq = seqs.get(`${memberKey(ref.tenantId, ref.memberId)}\u0000${ref.idempotencyKey}`);
      if (seq === undefined) return undefined;
      const entry = await this.readEntry(ref, seq);
      return entry && entry.idempotencyKey === ref.idempotencyKey ? entry : undefined;
    });
  }

  /**
   * Entries with seq > afterSeq (and at most head) in seq order, walking bucket partitions until one does
   * not end full (or the head is reached).
   */
  private async readEntriesAfter(ref: MemberRef, afterSeq: number, limit: number, head: number): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let after = afterSeq;
    for (let bucket = entryBucketOf(afterSeq + 1); entries.length < limit && after < head; bucket++) {
      const want = Math.min(limit - entries.length, ENTRY_BUCKET_SIZE);
      const rows = await this.session.selectAll(CQL.entriesAfter, [ref.tenantId, ref.memberId, bucket, after, want]);
      for (const row of rows) {
        const entry = entryOf(ref, row);
        if (entry.seq <= head) entries.push(entry);
      }
      if (rows.length === 0) break;
      after = long(rows[rows.length - 1]['seq']);
      if (after < lastSeqOfBucket(bucket)) break; // seqs have no gaps: this bucket is the newest
    }
    return entries;
  }

  /** The member's head in fenced mode; without a fence every entry that exists is committed. */
  private headOf(ref: MemberRef): Promise<number> {
    return this.fence ? this.fence.headOf(ref) : Promise.resolve(Number.POSITIVE_INFINITY);
  }

  private async readSnapshot(ref: MemberRef): Promise<MemberState | null> {
    const [row] = await this.session.selectAll(CQL.snapshot, [ref.tenantId, ref.memberId]);
    return row ? (JSON.parse(row['state']) as MemberState) : null;
  }
}
