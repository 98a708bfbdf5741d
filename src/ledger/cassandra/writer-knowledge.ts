// What the store knows about the members it writes, learned from its own reads and successful
// commits. The shard thread is the only writer of its members, so this knowledge stays true until the
// store itself writes again; it lets commit() skip the reads it would otherwise need to keep the
// LedgerStore contract (leave an already stored seq as it is, refuse an idempotency key that is taken).
// Bounded: the oldest members are forgotten first, and forgetting only costs a read later.

export interface MemberKnowledge {
  /** Every seq up to this one is durably stored (read back at LOCAL_QUORUM, or committed by us). */
  durableSeq: number;
  /** The member had no entries at all when loaded: no idempotency key of it is taken. */
  empty: boolean;
  /** Keys a lookup found unused since the member's last commit. */
  freeKeys: Set<string>;
}

export class WriterKnowledge {
  private readonly members = new Map<string, MemberKnowledge>();

  constructor(private readonly capacity: number) {}

  get(tenantId: string, memberId: string): MemberKnowledge | undefined {
    return this.members.get(memberKey(tenantId, memberId));
  }

  /** Entries up to seq were read back from the ledger (an activation or a listing). */
  noteRead(tenantId: string, memberId: string, seq: number, empty: boolean): void {
    const known = this.touch(tenantId, memberId);
    known.durableSeq = Math.max(known.durableSeq, seq);
    known.empty = empty && known.durableSeq === 0;
  }

  noteFreeKeys(tenantId: string, memberId: string, keys: Iterable<string>): void {
    const known = this.touch(tenantId, memberId);
    for (const key of keys) known.freeKeys.add(key);
  }

  /** A commit that wrote entries up to seq succeeded; keys known free before may now be taken. */
  noteCommitted(tenantId: string, memberId: string, seq: number): void {
    const known = this.touch(tenantId, memberId);
    known.durableSeq = Math.max(known.durableSeq, seq);
    known.empty = false;
    known.freeKeys.clear();
  }

  /** After a failed commit nothing about the member can be assumed: it may be partly written. */
  forget(tenantId: string, memberId: string): void {
    this.members.delete(memberKey(tenantId, memberId));
  }

  private touch(tenantId: string, memberId: string): MemberKnowledge {
    const key = memberKey(tenantId, memberId);
    let known = this.members.get(key);
    if (known) {
      this.members.delete(key); // re-insert: Map order is the eviction order
    } else {
      known = { durableSeq: 0, empty: false, freeKeys: new Set() };
      if (this.members.size >= this.capacity) {
        const oldest = this.members.keys().next().value;
        if (oldest !== undefined) this.members.delete(oldest);
      }
    }
    this.members.set(key, known);
    return known;
  }
}

export function memberKey(tenantId: string, memberId: string): string {
  return `${tenantId}\u0000${memberId}`;
}
