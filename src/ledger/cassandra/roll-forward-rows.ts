// The roll-forward rows on Cassandra (PROTOCOL.md, "Roll-forward"): a commit's rows written after its
// entries, a failed commit's rows put back to what the last acknowledged commit wrote, the heads read
// at open (and their day rows rewritten, in case a crash kept a head but not its row), and report reads.

import type { RollForwardRow, RollForwardTotals } from '../../reports/roll-forward.js';
import type { RollForwardRange } from '../store.js';
import { CQL, type Statement } from './cql.js';
import type { CqlSession } from './session.js';

export class RollForwardRows {
  /** Each tenant's newest row as last acknowledged: what a rollback puts back. */
  private readonly heads = new Map<string, RollForwardRow>();

  constructor(
    private readonly session: CqlSession,
    private readonly shard: number,
  ) {}

  /** Reads the heads and rewrites each head's day row from it (a crash may have kept one without the other). */
  async load(): Promise<RollForwardRow[]> {
    const rows = await this.session.selectAll(CQL.rollForwardHeads, [this.shard]);
    const heads = rows.map((r) => rowOf(String(r['tenant_id']), r));
    for (const head of heads) this.heads.set(head.tenantId, head);
    await this.session.runAll(heads.map((h) => [this.dayRowOf(h)]));
    return heads;
  }

  current(): RollForwardRow[] {
    return [...this.heads.values()];
  }

  /** Step 2c: the batch's rows and the heads they move; resolves once all are acknowledged. */
  async write(rows: RollForwardRow[]): Promise<void> {
    if (rows.length === 0) return;
    const newest = newestByTenant(rows);
    await this.session.runAll([...rows.map((r) => [this.dayRowOf(r)]), [...newest.values()].map((h) => this.headOf(h))]);
  }

  /** After a successful commit: these rows are what the store holds now. */
  acknowledged(rows: RollForwardRow[]): void {
    for (const head of newestByTenant(rows).values()) this.heads.set(head.tenantId, head);
  }

  /**
   * A failed commit's rows put back: a day the last acknowledged head already had gets the head's
   * totals again, a newer day is deleted, and the head is rewritten (or deleted when there was none).
   * Written after the failed writes, so the client's monotonic timestamps make them win.
   */
  async rollBack(rows: RollForwardRow[]): Promise<void> {
    const statements: Statement[][] = [];
    for (const row of rows) {
      const head = this.heads.get(row.tenantId);
      if (head && head.day === row.day) statements.push([this.dayRowOf(head)]);
      else statements.push([{ query: CQL.deleteRollForward, params: [row.tenantId, this.shard, row.day] }]);
    }
    const heads: Statement[] = [];
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
