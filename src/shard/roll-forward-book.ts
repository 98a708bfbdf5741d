// The shard's running roll-forward totals, one per tenant, in memory: the shard is the single writer of
// its members, so it folds each committed batch's deltas here and commits the (tenant, local day) rows
// the batch changed as absolute values, with the entries. A failed commit puts the totals back.

import type { Program } from '../rules/program/program.js';
import { localDayOf } from '../rules/calendar.js';
import {
  type RollForwardDelta,
  type RollForwardRow,
  type RollForwardTotals,
  addDelta,
  cloneTotals,
  emptyTotals,
  pruneThrough,
} from '../reports/roll-forward.js';

/** Instants whose local day is remembered per zone before the memory starts over. */
const DAYS_REMEMBERED = 65_536;

export class RollForwardBook {
  private readonly heads = new Map<string, RollForwardRow>();
  /** Heads as they were before the batch being applied first touched them (undefined: there was none). */
  private readonly undo = new Map<string, RollForwardRow | undefined>();
  private readonly campaignRules = new Map<Program, ReadonlySet<string>>();
  private readonly days = new Map<string, Map<number, string>>();

  constructor(
    heads: RollForwardRow[],
    private readonly programFor: (tenantId: string) => Program,
  ) {
    for (const head of heads) this.heads.set(head.tenantId, head);
  }

  /** Rule ids whose breakdown lines are campaigns and bonuses (not the order's own points) under the tenant's program. */
  campaignRulesOf(tenantId: string): ReadonlySet<string> {
    const program = this.programFor(tenantId);
    let rules = this.campaignRules.get(program);
    if (!rules) {
      rules = new Set([
        ...program.campaigns.map((c) => c.id),
        ...program.rules.filter((r) => r.kind === 'first_order' || r.kind === 'order_bonus').map((r) => r.id),
      ]);
      this.campaignRules.set(program, rules);
    }
    return rules;
  }

  /**
   * Folds a batch's deltas and returns the rows it changed (copies, for the commit). A delta dated
   * before the tenant's newest row (a clock set back) is counted in that row: totals only move forward.
   */
  apply(deltas: RollForwardDelta[]): RollForwardRow[] {
    const changed = new Map<RollForwardRow, true>();
    for (const delta of deltas) {
      const dayOf = this.dayOfIn(this.programFor(delta.tenantId).timeZone);
      const row = this.rowFor(delta.tenantId, dayOf(delta.at));
      addDelta(row.totals, delta, dayOf, row.day);
      changed.set(row, true);
    }
    return [...changed.keys()].map((row) => ({ tenantId: row.tenantId, day: row.day, totals: cloneTotals(row.totals) }));
  }

  /** The batch committed: its totals stand. */
  committed(): void {
    this.undo.clear();
  }

  /** The batch failed: every tenant it touched goes back to its totals before it. */
  failed(): void {
    for (const [tenantId, head] of this.undo) {
      if (head) this.heads.set(tenantId, head);
      else this.heads.delete(tenantId);
    }
    this.undo.clear();
  }

  /** The running totals of every tenant (the newest row of each). */
  current(): RollForwardRow[] {
    return [...this.heads.values()];
  }

  /**
   * The local day of an instant, remembered per zone: lots' expiries and availabilities are a few
   * distinct instants (ends of days) met again and again, and each miss costs an Intl conversion.
   */
  private dayOfIn(timeZone: string): (ms: number) => string {
    let days = this.days.get(timeZone);
    if (!days) {
      days = new Map();
      this.days.set(timeZone, days);
    }
    const known = days;
    return (ms) => {
      let day = known.get(ms);
      if (day === undefined) {
        if (known.size >= DAYS_REMEMBERED) known.clear();
        day = localDayOf(ms, timeZone).key;
        known.set(ms, day);
      }
      return day;
    };
  }

  private rowFor(tenantId: string, day: string): RollForwardRow {
    const head = this.heads.get(tenantId);
    if (!this.undo.has(tenantId)) this.undo.set(tenantId, head && { ...head, totals: cloneTotals(head.totals) });
    if (head && head.day >= day) return head;
    const totals: RollForwardTotals = head ? cloneTotals(head.totals) : emptyTotals();
    pruneThrough(totals, day);
    const row = { tenantId, day, totals };
    this.heads.set(tenantId, row);
    return row;
  }
}
