// The roll-forward rows on Cassandra (PROTOCOL.md, "Roll-forward"): a commit's rows written after its
// entries (step 2c), with the heads and the shard's through-outbox mark in one single-partition batch; a
// failed commit's rows put back to what the last acknowledged commit wrote; at open, the heads read
// (their day rows rewritten, in case a crash kept a head but not its row) and the committed entries
// after the mark found, for the shard to fold in (a process that died between steps 2 and 2c).

import type { LedgerEntry } from '../../actor/entries.js';
import type { RollForwardRow, RollForwardTotals } from '../../reports/roll-forward.js';
import type { RollForwardRange } from '../store.js';
import { CQL, type Statement, long } from './cql.js';
import { mapBounded } from './map-bounded.js';
import type { OutboxCursor } from './outbox-cursor.js';
import type { LedgerReads } from './reads.js';
import type { CqlSession } from './session.js';

/** Outbox records read per request when looking for the backlog (it is a commit or two long). */
const BACKLOG_PAGE = 1_000;

export class RollForwardRows {
  /** Each tenant's newest row as last acknowledged: what a rollback puts back. */
  private readonly heads = new Map<string, RollForwardRow>();
  /** The highest outbox id whose batch's totals are written (acknowledged). */
  private through = 0;

  constructor(
    private readonly session: CqlSession,
    private readonly shard: number,
  ) {}

  /** Reads the heads and the mark, and rewrites each head's day row from it. */
  async load(): Promise<void> {
    const rows = await this.session.selectAll(CQL.rollForwardHeads, [this.shard]);
    for (const r of rows) {
      const tenantId = String(r['tenant_id']);
      if (tenantId === '') this.through = long(r['through_outbox']);
      else this.heads.set(tenantId, rowOf(tenantId, r));
    }
    await this.session.runAll([...this.heads.values()].map((h) => [this.dayRowOf(h)]));
  }

  /**
   * Entries committed after the mark (their batch died between steps 2 and 2c): those of the settled
   * outbox records after it, read from the ledger. Called once open() has settled the outbox tail.
   */
  async backlog(outbox: OutboxCursor, reads: LedgerReads): Promise<LedgerEntry[]> {
    const refs = new Map<string, { tenantId: string; memberId: string; seq: number }>();
    // Published records are past the mark in any keyspace written with it (the relay reads only what
    // completed 2c); a keyspace from before 006 has no mark, and its history no totals at all.
    const { publishedId } = outbox.position();
    for (let after = Math.max(this.through, publishedId); ; ) {
      const records = await outbox.readOutbox(after, BACKLOG_PAGE);
      for (const record of records) {
        for (const e of record.envelope.events) refs.set(`${e.tenantId}\u0000${e.memberId}\u0000${e.seq}`, e);
      }
      if (records.length < BACKLOG_PAGE) break;
      after = records[records.length - 1].id;
    }
    const found = await mapBounded([...refs.values()], this.session.concurrency, (ref) => reads.readEntry(ref, ref.seq));
    return found.filter((e): e is LedgerEntry => e !== undefined);
  }

  current(): RollForwardRow[] {
    return [...this.heads.values()];
  }

  /**
   * Step 2c: the day rows, and in one batch on the shard's heads partition the heads they move and the
   * mark (`through`: the batch's last outbox id, or the committed horizon when it has none).
   */
  async write(rows: RollForwardRow[], through: number): Promise<void> {
    if (rows.length === 0 && through <= this.through) return;
    const heads = [...newestByTenant(rows).values()].map((h) => this.headOf(h));
    heads.push({ query: CQL.setRollForwardThrough, params: [this.shard, Math.max(through, this.through)] });
    await this.session.runAll([...rows.map((r) => [this.dayRowOf(r)]), heads]);
  }

  /** After a successful commit: these rows and the mark are what the store holds now. */
  acknowledged(rows: RollForwardRow[], through: number): void {
    for (const head of newestByTenant(rows).values()) this.heads.set(head.tenantId, head);
    this.through = Math.max(this.through, through);
  }

  /**
   * A failed commit's rows put back: a day the last acknowledged head already had gets the head's
   * totals again, a newer day is deleted, the heads and the mark are rewritten (a head deleted when the
   * tenant had none). Written after the failed writes, so the client's monotonic timestamps make them win.
   */
  async rollBack(rows: RollForwardRow[]): Promise<void> {
    const statements: Statement[][] = [];
    for (const row of rows) {
      const head = this.heads.get(row.tenantId);
      if (head && head.day === row.day) statements.push([this.dayRowOf(head)]);
      else statements.push([{ query: CQL.deleteRollForward, params: [row.tenantId, this.shard, row.day] }]);
    }
    const heads: Statement[] = [{ query: CQL.setRollForwardThrough, params: [this.shard, this.through] }];
    for (const tenantId of new Set(rows.map((r) => r.tenantId))) {
      const head = this.heads.get(tenantId);
      heads.push(head ? this.headOf(head) : { query: CQL.deleteRollForwardHead, params: [this.shard, tenantId] });
    }
    statements.push(heads);
    await this.session.runAll(statements);
  }

  async read(tenantId: string, fromDay: string, toDay: string): Promise<RollForwardRange> {
    const [before, rows] = await Promise.all([
      this.session.selectAll(CQL.rollForwardBefore, [tenantId, this.shard, fromDay]),
      this.session.selectAll(CQL.rollForwardIn, [tenantId, this.shard, fromDay, toDay]),
    ]);
    return { before: before[0] ? rowOf(tenantId, before[0]) : undefined, rows: rows.map((r) => rowOf(tenantId, r)) };
  }

  private dayRowOf(row: RollForwardRow): Statement {
    return { query: CQL.upsertRollForward, params: [row.tenantId, this.shard, row.day, JSON.stringify(row.totals)] };
  }

  private headOf(row: RollForwardRow): Statement {
    return { query: CQL.upsertRollForwardHead, params: [this.shard, row.tenantId, row.day, JSON.stringify(row.totals)] };
  }
}

function rowOf(tenantId: string, r: { [key: string]: unknown }): RollForwardRow {
  return { tenantId, day: String(r['day']), totals: JSON.parse(String(r['body'])) as RollForwardTotals };
}

function newestByTenant(rows: RollForwardRow[]): Map<string, RollForwardRow> {
  const newest = new Map<string, RollForwardRow>();
  for (const row of rows) {
    const known = newest.get(row.tenantId);
    if (!known || known.day <= row.day) newest.set(row.tenantId, row);
  }
  return newest;
}
