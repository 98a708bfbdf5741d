// 积分审计 of the whole ledger (npm run audit, AdminService.AuditLedger): every member's ledger replayed
// by its owning shard (auditMember queries, src/reports/member-audit.ts), in pages, then the roll-forward
// tied out: per tenant, the sum of members' outstanding points (balance less points under review) must
// equal the sum of the shards' running totals. The tie-out is exact on a quiet engine; writes during the
// sweep can move a member after it was counted.

import type { AuditMemberQuery, ShardOp } from '../actor/commands.js';
import type { MemberAuditAnswer, OpResult } from '../actor/results.js';
import type { MemberRef } from '../ledger/store.js';
import type { Mismatch, MismatchKind } from '../reports/member-audit.js';
import { type RollForwardRow, outstandingOf } from '../reports/roll-forward.js';

/** What the audit needs of the engine (engine.ts), named here so the engine can own a reconciler. */
export interface AuditedEngine {
  readonly shardCount: number;
  listMembers(shard: number, after: MemberRef | undefined, limit: number): Promise<MemberRef[]>;
  rollForwardHeads(): Promise<RollForwardRow[][]>;
  submitAll(ops: ShardOp[]): Promise<OpResult[]>;
}

export interface LedgerAuditOptions {
  /** Only this tenant's members ('' = all). */
  tenantId: string;
  /** How long after a lot or hold lapses housekeeping may take to write its entry. */
  graceMs: number;
  repairCache: boolean;
  /** Members per page sent to the shards at once. */
  pageSize: number;
  /** One keyspace for all shards (Cassandra): any shard lists every member, so one sweep covers them. */
  sharedLedger: boolean;
  /** At most this many mismatches are kept in the report (all are counted). */
  maxReported: number;
}

export interface TenantTieOut {
  tenantId: string;
  members: number;
  /** Sums over the members' replayed ledgers. */
  outstanding: number;
  underReview: number;
  /** The shards' running roll-forward totals. */
  rollForwardOutstanding: number;
  rollForwardUnderReview: number;
  rollForwardAccounts: number;
}

export interface LedgerAuditReport {
  checked: number;
  mismatches: Mismatch[];
  byKind: Partial<Record<MismatchKind, number>>;
  repaired: number;
  tenants: TenantTieOut[];
}

export async function auditLedger(engine: AuditedEngine, options: LedgerAuditOptions): Promise<LedgerAuditReport> {
  const report: LedgerAuditReport = { checked: 0, mismatches: [], byKind: {}, repaired: 0, tenants: [] };
  const tenants = new Map<string, TenantTieOut>();
  const note = (m: Mismatch) => {
    report.byKind[m.kind as MismatchKind] = (report.byKind[m.kind as MismatchKind] ?? 0) + 1;
    if (report.mismatches.length < options.maxReported) report.mismatches.push(m);
  };
  const shards = options.sharedLedger ? [0] : [...Array(engine.shardCount).keys()];
  for (const shard of shards) {
    // The embedded store lists in (tenant, member) order, so a tenant's members start after (tenant, '');
    // Cassandra lists in token order: from the start.
    let after: MemberRef | undefined =
      options.tenantId === '' || options.sharedLedger ? undefined : { tenantId: options.tenantId, memberId: '' };
    for (;;) {
      const page = await engine.listMembers(shard, after, options.pageSize);
      if (page.length === 0) break;
      after = page[page.length - 1];
      const members = page.filter((m) => options.tenantId === '' || m.tenantId === options.tenantId);
      const answers = await auditMembers(engine, members, options.graceMs, options.repairCache);
      answers.forEach((answer, i) => {
        if (!answer.exists) return;
        report.checked++;
        if (answer.repaired) report.repaired++;
        for (const m of answer.mismatches) note(m as Mismatch);
        const t = tieOutOf(tenants, members[i].tenantId);
        if (!members[i].memberId.startsWith('§')) t.members++;
        t.outstanding += answer.outstanding;
        t.underReview += answer.underReview;
      });
      // The embedded store lists in (tenant, member) order: past the tenant, nothing more of it.
      if (!options.sharedLedger && options.tenantId !== '' && page[page.length - 1].tenantId !== options.tenantId) break;
    }
  }
  for (const heads of await engine.rollForwardHeads()) {
    for (const head of heads) {
      if (options.tenantId !== '' && head.tenantId !== options.tenantId) continue;
      const t = tieOutOf(tenants, head.tenantId);
      t.rollForwardOutstanding += outstandingOf(head.totals);
      t.rollForwardUnderReview += head.totals.underReview;
      t.rollForwardAccounts += head.totals.accounts;
    }
  }
  for (const t of [...tenants.values()].sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1))) {
    report.tenants.push(t);
    for (const problem of tieOutProblems(t)) note({ kind: 'roll_forward', tenantId: t.tenantId, memberId: '', message: problem });
  }
  return report;
}

/** Audits members through their owning shards; a member a shard could not answer for is a mismatch of its own. */
export async function auditMembers(
  engine: AuditedEngine,
  members: MemberRef[],
  graceMs: number,
  repairCache: boolean,
): Promise<MemberAuditAnswer[]> {
  const ops = members.map(
    (m): AuditMemberQuery => ({ kind: 'auditMember', tenantId: m.tenantId, memberId: m.memberId, graceMs, repairCache }),
  );
  const results = await engine.submitAll(ops);
  return results.map((r, i) => {
    if (r.ok) return r.value as MemberAuditAnswer;
    const mismatch = {
      kind: 'replay',
      tenantId: members[i].tenantId,
      memberId: members[i].memberId,
      message: `not audited: ${r.rejection.message}`,
    };
    return { exists: true, mismatches: [mismatch], outstanding: 0, underReview: 0, repaired: false };
  });
}

function tieOutProblems(t: TenantTieOut): string[] {
  const problems: string[] = [];
  if (t.outstanding !== t.rollForwardOutstanding) {
    problems.push(`members' outstanding points sum to ${t.outstanding}, the roll-forward's closing is ${t.rollForwardOutstanding}`);
  }
  if (t.underReview !== t.rollForwardUnderReview) {
    problems.push(`points under review sum to ${t.underReview}, the roll-forward has ${t.rollForwardUnderReview}`);
  }
  if (t.members !== t.rollForwardAccounts)
    problems.push(`${t.members} member ledgers, the roll-forward counts ${t.rollForwardAccounts} accounts`);
  return problems;
}

function tieOutOf(tenants: Map<string, TenantTieOut>, tenantId: string): TenantTieOut {
  let t = tenants.get(tenantId);
  if (!t) {
    t = {
      tenantId,
      members: 0,
      outstanding: 0,
      underReview: 0,
      rollForwardOutstanding: 0,
      rollForwardUnderReview: 0,
      rollForwardAccounts: 0,
    };
    tenants.set(tenantId, t);
  }
  return t;
}
