// The due index (due_members) and its per-shard range (due_range): rows a commit adds and deletes, and
// the scan for members due by an instant. Why stale rows are allowed and missing ones are not: PROTOCOL.md.

import type { DueChange, DueMember, MemberRef } from '../store.js';
import { CQL, type Statement, deleteDueOf, dueOf, insertDueOf, long } from './cql.js';
import { DUE_BUCKET_MS, dueBucketOf } from './layout.js';
import { mapBounded } from './map-bounded.js';
import { groupBy } from './partition-groups.js';
import type { CqlSession } from './session.js';
import { memberKey } from './writer-knowledge.js';

/** Most day partitions of the due index one scan reads at once (it starts with one and doubles). */
const DUE_SCAN_WINDOW = 32;

/**
 * A place in the due index, whose rows sort by (at, tenantId, memberId). Empty ids mean the start of
 * instant `at`. Positions are only compared for equality here: the store never orders ids itself
 * (JavaScript compares UTF-16 units, Cassandra UTF-8 bytes).
 */
interface DuePosition {
  at: number;
  tenantId: string;
  memberId: string;
}

interface DueRange {
  low: DuePosition | undefined;
  high: number;
}

export class DueIndex {
  /** Low-water position of the due index (see PROTOCOL.md); undefined: no row was ever written. */
  private dueLow: DuePosition | undefined;
  /** Highest day partition that may hold due rows. */
  private dueHigh = Number.NEGATIVE_INFINITY;
  /** What due_range holds as far as this store knows; undefined when unknown (a write failed or is out). */
  private dueStored: DueRange | undefined;
  /** due_range writes, one at a time. */
  private dueRangeWrites: Promise<void> = Promise.resolve();
  /** Per commit whose due rows are not acknowledged yet: the earliest instant it adds. */
  private readonly dueInFlight = new Set<{ at: number }>();
  /** Per scan in progress: the earliest instant added by a commit in flight since it began. */
  private readonly dueScans = new Set<{ guard: number }>();

  constructor(
    private readonly session: CqlSession,
    private readonly shard: number,
  ) {}

  /** Members due at or before upTo, soonest first, at most limit; moves low past what it passed. */
  async dueMembers(upTo: number, limit: number): Promise<DueMember[]> {
    const from = this.dueLow;
    if (from === undefined || limit <= 0 || upTo < from.at) return [];
    let guard = Number.POSITIVE_INFINITY;
    for (const commit of this.dueInFlight) guard = Math.min(guard, commit.at);
    const scan = { guard };
    this.dueScans.add(scan);
    const found: DueMember[] = [];
    try {
      const firstDay = dueBucketOf(from.at);
      const lastDay = Math.min(dueBucketOf(upTo), this.dueHigh);
      let window = 1;
      for (let day = firstDay; day <= lastDay && found.length < limit; window = Math.min(window * 2, DUE_SCAN_WINDOW)) {
        const days: number[] = [];
        for (; day <= lastDay && days.length < window; day++) days.push(day);
        const want = limit - found.length;
        const pages = await mapBounded(days, this.session.concurrency, (d) =>
          this.readDueDay(d, d === firstDay ? from : undefined, upTo, want),
        );
        for (const page of pages) found.push(...page.slice(0, limit - found.length));
      }
    } finally {
      this.dueScans.delete(scan);
    }
    // Nothing the index must return lies before `from`, nor between it and the first row found (or
    // upTo, when none was): that is the new low, unless a commit added an earlier row meanwhile.
    const reached: DuePosition = found.length > 0 ? positionOf(found[0]) : startOf(upTo + 1);
    this.dueLow = scan.guard <= reached.at ? startOf(scan.guard) : reached;
    await this.persistDueRange().catch(() => undefined); // lazily: a stale due_range only costs reads
    return found;
  }

  /**
   * Before a commit's due rows go out: low and high widened to cover them, and every scan in progress
   * told not to move low past them. Returns the commit's in-flight marker (none without inserts).
   */
  noteDueInserts(inserts: DueMember[]): { at: number } | undefined {
    if (inserts.length === 0) return undefined;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const d of inserts) {
      min = Math.min(min, d.at);
      max = Math.max(max, d.at);
    }
    const low = this.dueLow;
    if (!low || min < low.at || (min === low.at && !isStartOfInstant(low))) this.dueLow = startOf(min);
    this.dueHigh = Math.max(this.dueHigh, dueBucketOf(max));
    for (const scan of this.dueScans) scan.guard = Math.min(scan.guard, min);
    const marker = { at: min };
    this.dueInFlight.add(marker);
    return marker;
  }

  /** The commit's due rows are acknowledged, or failed: scans may move low past them again. */
  insertsSettled(marker: { at: number }): void {
    this.dueInFlight.delete(marker);
  }

  /** Step 1's inserts, one unlogged batch per day partition. */
  insertGroups(inserts: DueMember[]): Statement[][] {
    return dueGroups(this.shard, inserts, insertDueOf);
  }

  /** The rows the batch moved away from; one left behind (write failed) is a stale row, corrected by the engine. */
  async deleteDueRows(rows: DueMember[]): Promise<void> {
    try {
      await this.session.runAll(dueGroups(this.shard, rows, deleteDueOf));
    } catch {
      // see above
    }
  }

  async loadDueRange(): Promise<void> {
    const [row] = await this.session.selectAll(CQL.dueRange, [this.shard]);
    if (row && row['low_at'] !== null && row['low_at'] !== undefined) {
      const low: DuePosition = {
        at: long(row['low_at']),
        tenantId: String(row['low_tenant_id'] ?? ''),
        memberId: String(row['low_member_id'] ?? ''),
      };
      this.dueLow = low;
      this.dueHigh = row['high_day'] === null || row['high_day'] === undefined ? dueBucketOf(low.at) : long(row['high_day']);
    }
    this.dueStored = { low: this.dueLow, high: this.dueHigh };
  }

  /** Fenced mode, at open: due_range written again under this owner's token, even if it did not change. */
  rewriteDueRange(): Promise<void> {
    this.dueStored = undefined;
    return this.persistDueRange();
  }

  /** Writes due_range after every earlier write of it has settled, with the values it has then. */
  persistDueRange(): Promise<void> {
    const write = this.dueRangeWrites.then(() => this.writeDueRange());
    this.dueRangeWrites = write.catch(() => undefined);
    return write;
  }

  /** Rows of one day partition at or after `from` (the scan's low, in its first day) and at or before upTo. */
  private async readDueDay(day: number, from: DuePosition | undefined, upTo: number, want: number): Promise<DueMember[]> {
    if (!from || isStartOfInstant(from)) {
      const start = from ? from.at : day * DUE_BUCKET_MS;
      return (await this.session.selectAll(CQL.dueFrom, [this.shard, day, start, upTo, want])).map(dueOf);
    }
    // From a row inside an instant: the rest of its tenant, the later tenants, then the later instants.
    const [sameTenant, laterTenants, laterInstants] = await Promise.all([
      this.session.selectAll(CQL.dueAtMember, [this.shard, day, from.at, from.tenantId, from.memberId, want]),
      this.session.selectAll(CQL.dueAtTenant, [this.shard, day, from.at, from.tenantId, want]),
      from.at < upTo ? this.session.selectAll(CQL.dueAfter, [this.shard, day, from.at, upTo, want]) : Promise.resolve([]),
    ]);
    return [...sameTenant, ...laterTenants, ...laterInstants].slice(0, want).map(dueOf);
  }

  private async writeDueRange(): Promise<void> {
    const low = this.dueLow;
    const high = this.dueHigh;
    const stored = this.dueStored;
    if (low === undefined || (stored?.low && samePosition(stored.low, low) && stored.high === high)) return;
    this.dueStored = undefined;
    await this.session.execute(CQL.setDueRange, [this.shard, low.at, low.tenantId, low.memberId, high]);
    this.dueStored = { low, high };
  }
}

/**
 * A batch's due changes as rows to insert and rows to delete, netted per row in batch order (delete
 * `from`, then insert `to`, as one transaction would), so that no row is in both lists.
 */
export function netDues(changes: DueChange[]): { inserts: DueMember[]; deletes: DueMember[] } {
  const last = new Map<string, { row: DueMember; insert: boolean }>();
  const note = (ref: MemberRef, at: number, insert: boolean) => {
    last.set(`${at}\u0000${memberKey(ref.tenantId, ref.memberId)}`, {
      row: { tenantId: ref.tenantId, memberId: ref.memberId, at },
      insert,
    });
  };
  for (const d of changes) {
    if (d.from > 0) note(d, d.from, false);
    if (d.to > 0) note(d, d.to, true);
  }
  const inserts: DueMember[] = [];
  const deletes: DueMember[] = [];
  for (const { row, insert } of last.values()) (insert ? inserts : deletes).push(row);
  return { inserts, deletes };
}

/** Due-row statements grouped per partition (shard, day): one unlogged batch each. */
function dueGroups(shard: number, rows: DueMember[], statementOf: (shard: number, d: DueMember) => Statement): Statement[][] {
  return [...groupBy(rows, (d) => dueBucketOf(d.at)).values()].map((inDay) => inDay.map((d) => statementOf(shard, d)));
}

function startOf(at: number): DuePosition {
  return { at, tenantId: '', memberId: '' };
}

function isStartOfInstant(p: DuePosition): boolean {
  return p.tenantId === '' && p.memberId === '';
}

function positionOf(d: DueMember): DuePosition {
  return { at: d.at, tenantId: d.tenantId, memberId: d.memberId };
}

function samePosition(a: DuePosition, b: DuePosition): boolean {
  return a.at === b.at && a.tenantId === b.tenantId && a.memberId === b.memberId;
}
