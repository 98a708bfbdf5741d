// AdminService's finance and audit reads: GetRollForward (the points roll-forward from the shards'
// running totals, src/reports/roll-forward-report.ts) and AuditLedger (every member's ledger replayed by
// its shard and the roll-forward tied out, src/front/ledger-audit.ts).

import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { AuditLedgerRequest__Output } from '../contract/generated/jifen/v1/AuditLedgerRequest.js';
import type { AuditLedgerResponse } from '../contract/generated/jifen/v1/AuditLedgerResponse.js';
import type { GetRollForwardRequest__Output } from '../contract/generated/jifen/v1/GetRollForwardRequest.js';
import type { GetRollForwardResponse } from '../contract/generated/jifen/v1/GetRollForwardResponse.js';
import type { RollForwardLine as WireLine } from '../contract/generated/jifen/v1/RollForwardLine.js';
import type { Engine } from '../front/engine.js';
import { auditLedger } from '../front/ledger-audit.js';
import type { ProgramRegistry } from '../front/program-registry.js';
import type { EngineMetrics } from '../metrics/registry.js';
import {
  type Granularity,
  type RollForwardLine,
  issuedOf,
  periodsOf,
  redemptionRateBp,
  rollForwardOf,
} from '../reports/roll-forward-report.js';
import type { Program } from '../rules/program/program.js';
import { tierLevel } from '../rules/tiers.js';
import { defaultProgram } from '../shard/program-book.js';
import { decodeTenant, invalid } from './decode.js';
import { unary } from './unary-call.js';

export interface ReportServiceDeps {
  engine: Engine;
  programs: ProgramRegistry;
  metrics: EngineMetrics;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_DAYS = 3660;
const DEFAULT_GRACE_SECONDS = 600;
const DEFAULT_MAX_MISMATCHES = 1000;
const AUDIT_PAGE = 500;
/** 100 yuan a point: far above any program, and closing × value stays an exact integer below 2^53. */
const MAX_POINT_VALUE_FEN = 10_000;

export function reportHandlers(deps: ReportServiceDeps) {
  return {
    GetRollForward: unary(deps, 'GetRollForward', (req) => getRollForward(deps, req)),
    AuditLedger: unary(deps, 'AuditLedger', (req) => auditLedgerCall(deps.engine, req)),
  } satisfies Partial<AdminServiceHandlers>;
}

async function getRollForward(deps: ReportServiceDeps, req: GetRollForwardRequest__Output): Promise<GetRollForwardResponse> {
  const tenantId = decodeTenant(req.tenant_id);
  const fromDay = dayOf(req.from_day, 'from_day');
  const toDay = dayOf(req.to_day, 'to_day');
  if (toDay < fromDay) throw invalid('to_day', 'must not be before from_day');
  // Counted from the dates, not by listing the days: a range of millennia is refused without building it.
  if ((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000 + 1 > MAX_DAYS) {
    throw invalid('to_day', `must be at most ${MAX_DAYS} days after from_day`);
  }
  const granularity: Granularity = req.granularity === 'REPORT_GRANULARITY_MONTH' ? 'month' : 'day';
  const breakageBp = Number(req.expected_breakage_bp ?? 0);
  if (!Number.isSafeInteger(breakageBp) || breakageBp < 0 || breakageBp > 10_000) throw invalid('expected_breakage_bp', 'must be 0..10000');
  const asked = Number(req.point_value_fen ?? 0);
  if (!Number.isSafeInteger(asked) || asked < 0 || asked > MAX_POINT_VALUE_FEN) {
    throw invalid('point_value_fen', `must be 0..${MAX_POINT_VALUE_FEN}`);
  }
  const program = deps.programs.programFor(tenantId) ?? defaultProgram(tenantId);
  // The program's points-as-cash rate, in whole fen per point (at least 1).
  const pointValueFen = asked > 0 ? asked : Math.max(1, Math.floor(program.pointsAsCash.perMinor / program.pointsAsCash.points));
  const shards = await deps.engine.readRollForward(tenantId, fromDay, toDay);
  const lines = rollForwardOf(shards, periodsOf(fromDay, toDay, granularity), { pointValueFen, breakageBp }, granularity);
  return {
    tenant_id: tenantId,
    time_zone: program.timeZone,
    point_value_fen: pointValueFen,
    expected_breakage_bp: breakageBp,
    lines: lines.map((line) => wireLineOf(line, program)),
    rows_read: shards.reduce((sum, s) => sum + s.rows.length + (s.before ? 1 : 0), 0),
  };
}

function wireLineOf(line: RollForwardLine, program: Program): WireLine {
  const f = line.flows;
  const tiers: Record<string, number> = {};
  for (const [tier, count] of Object.entries(line.tiers)) {
    const id = tierLevel(program, tier).id;
    tiers[id] = (tiers[id] ?? 0) + count;
  }
  return {
    period: line.period.label,
    first_day: line.period.firstDay,
    last_day: line.period.lastDay,
    opening: line.opening,
    issued_orders: f.issuedOrders,
    issued_campaigns_and_bonuses: f.issuedCampaignsAndBonuses,
    issued_behaviours: f.issuedBehaviours,
    issued_referrals: f.issuedReferrals,
    issued_imports: f.issuedImports,
    issued_transfers_in: f.issuedTransfersIn,
    issued_review_approvals: f.issuedReviewApprovals,
    issued: issuedOf(line),
    reversed: -f.reversed,
    redeemed_mall: -f.redeemedMall,
    redeemed_holds: -f.redeemedHolds,
    redeemed: -f.redeemed,
    expired: -f.expired,
    transferred_out: -f.transferredOut,
    adjustments: f.adjustments,
    closing: line.closing,
    pending: line.pending,
    held: line.held,
    under_review: line.underReview,
    expiring_30_days: line.expiring30,
    expiring_60_days: line.expiring60,
    expiring_90_days: line.expiring90,
    accounts: line.accounts,
    active_members: line.activeMembers,
    accounts_by_tier: tiers,
    issued_by_rule: line.byRule,
    redemption_rate_bp: redemptionRateBp(line),
    gross_liability_fen: line.grossLiabilityFen,
    net_liability_fen: line.netLiabilityFen,
  };
}

async function auditLedgerCall(engine: Engine, req: AuditLedgerRequest__Output): Promise<AuditLedgerResponse> {
  const tenantId = req.tenant_id ? decodeTenant(req.tenant_id) : '';
  const grace = Number(req.grace_seconds ?? 0);
  if (!Number.isSafeInteger(grace) || grace < 0) throw invalid('grace_seconds', 'must be a non-negative integer');
  const max = Number(req.max_mismatches ?? 0);
  if (!Number.isInteger(max) || max < 0) throw invalid('max_mismatches', 'must not be negative');
  const report = await auditLedger(engine, {
    tenantId,
    graceMs: (grace === 0 ? DEFAULT_GRACE_SECONDS : grace) * 1000,
    repairCache: req.repair_cache === true,
    pageSize: AUDIT_PAGE,
    sharedLedger: engine.sharedLedger,
    maxReported: max === 0 ? DEFAULT_MAX_MISMATCHES : max,
  });
  const counts: Record<string, number> = {};
  for (const [kind, count] of Object.entries(report.byKind)) counts[kind] = count as number;
  return {
    ok: Object.keys(counts).length === 0,
    checked: report.checked,
    mismatches: report.mismatches.map((m) => ({ kind: m.kind, tenant_id: m.tenantId, member_id: m.memberId, message: m.message })),
    mismatch_counts: counts,
    repaired: report.repaired,
    tie_out: report.tenants.map((t) => ({
      tenant_id: t.tenantId,
      members: t.members,
      outstanding: t.outstanding,
      under_review: t.underReview,
      roll_forward_closing: t.rollForwardOutstanding,
      roll_forward_under_review: t.rollForwardUnderReview,
      roll_forward_accounts: t.rollForwardAccounts,
    })),
  };
}

function dayOf(value: unknown, field: string): string {
  const text = String(value ?? '');
  const date = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw invalid(field, "must be a day 'YYYY-MM-DD'");
  }
  return text;
}
