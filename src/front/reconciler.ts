// The online reconciler: every round it audits a sample of the members written since the last round
// and the next page of a slow sweep over every member, through their owning shards (auditMember
// queries, which also rewrite a stale or wrong cache copy), and reports what it checked and found.

import type { MemberRef } from '../ledger/store.js';
import { type AuditedEngine, auditMembers } from './ledger-audit.js';

export interface ReconcilerOptions {
  /** Time between rounds; 0 = off. */
  intervalMs: number;
  /** Recently written members audited per round, at most. */
  sample: number;
  /** Members of the sweep audited per round. */
  sweep: number;
  graceMs: number;
  /** One keyspace for all shards (Cassandra): the sweep lists members through shard 0 only. */
  sharedLedger: boolean;
}

export interface ReconcilerReport {
  checked: (count: number) => void;
  mismatch: (kind: string, message: string) => void;
}

/** Recently written members kept to sample from: a bounded set, the oldest dropped. */
const RECENT_KEPT = 10_000;

export class Reconciler {
  /** Recently written members by key, oldest first; slot is the member's place in `arrivals`. */
  private readonly recent = new Map<string, { ref: MemberRef; slot: number }>();
  /**
   * The keys in arrival order, a ring of RECENT_KEPT slots: the slot a new member takes drops the
   * member written longest ago. (Dropping through the map's own first key would walk the holes its
   * deletions leave on every write: measured at 7 % of the front thread under SubmitBatch.)
   */
  private readonly arrivals: (string | undefined)[] = new Array(RECENT_KEPT);
  private nextSlot = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private sweepShard = 0;
  private sweepAfter: MemberRef | undefined;

  constructor(
    private readonly engine: AuditedEngine,
    private readonly options: ReconcilerOptions,
    private readonly report: ReconcilerReport,
  ) {}

  /** A write reached the engine for this member. */
  noteWritten(tenantId: string, memberId: string): void {
    const key = `${tenantId}\u0000${memberId}`;
    if (this.recent.has(key)) return;
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % RECENT_KEPT;
    const dropped = this.arrivals[slot];
    // The slot's member may have been sampled (and written again since, in another slot) meanwhile.
    if (dropped !== undefined && this.recent.get(dropped)?.slot === slot) this.recent.delete(dropped);
    this.arrivals[slot] = key;
    this.recent.set(key, { ref: { tenantId, memberId }, slot });
  }

  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.round()
        .catch((err) => console.error('jifen reconciler: round failed:', err instanceof Error ? err.message : String(err)))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: the sample, then the sweep's next page. */
  async round(): Promise<void> {
    const sample = this.takeSample();
    const sweep = await this.nextSweepPage();
    const members = [...sample, ...sweep];
    if (members.length === 0) return;
    const answers = await auditMembers(this.engine, members, this.options.graceMs, true);
    let checked = 0;
    for (const answer of answers) {
      if (!answer.exists) continue;
      checked++;
      for (const m of answer.mismatches) this.report.mismatch(m.kind, `${m.tenantId}/${m.memberId}: ${m.message}`);
    }
    this.report.checked(checked);
  }

  private takeSample(): MemberRef[] {
    const taken: MemberRef[] = [];
    for (const [key, { ref }] of this.recent) {
      if (taken.length >= this.options.sample) break;
      taken.push(ref);
      this.recent.delete(key);
    }
    return taken;
  }

  private async nextSweepPage(): Promise<MemberRef[]> {
    if (this.options.sweep <= 0) return [];
    const page = await this.engine.listMembers(this.sweepShard, this.sweepAfter, this.options.sweep);
    if (page.length < this.options.sweep) {
      // This shard is done: the next round starts the next one (or the first again).
      const shards = this.options.sharedLedger ? 1 : this.engine.shardCount;
      this.sweepShard = (this.sweepShard + 1) % shards;
      this.sweepAfter = undefined;
    } else {
      this.sweepAfter = page[page.length - 1];
    }
    return page;
  }
}
