// 积分审计 of one member, pure: its entries replayed from nothing against the invariants of the ledger
// (seq gapless, each balance_after the running sum, balance = lots − debt, open holds as the HOLD /
// CAPTURE / RELEASE entries say, no lapsed lot or hold left past housekeeping), against the state the
// engine holds (snapshot + later entries), and against the cache's copy at its seq.

import { type LedgerEntry, NEVER_EXPIRES } from '../actor/entries.js';
import { type MemberState, emptyState } from '../actor/member-state.js';
import { UNDER_REVIEW } from '../actor/risk/member-risk.js';
import { applyEntry } from '../actor/state.js';

export const MISMATCH_KINDS = [
  'seq_gap',
  'balance_chain',
  'replay',
  'lots',
  'holds',
  'lapsed_lot',
  'lapsed_hold',
  'state',
  'cache_differs',
  'cache_stale',
  'cache_ahead',
  'roll_forward',
] as const;

export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  kind: MismatchKind;
  tenantId: string;
  /** '' for a tenant-wide mismatch (the roll-forward tie-out). */
  memberId: string;
  message: string;
}

export interface MemberAudit {
  mismatches: Mismatch[];
  /** The state replayed from the entries alone (undefined when the entries could not be replayed). */
  replayed: MemberState | undefined;
  /** Outstanding points (balance less points under review) and points under review, for the tie-out. */
  outstanding: number;
  underReview: number;
}

export interface MemberAuditInputs {
  entries: LedgerEntry[];
  /** What the engine holds for the member (its actor, from snapshot and later entries). */
  live: MemberState;
  /** The cache's copy, if the cache is on and has one; `trusted`: written under the current epoch. */
  cached?: { state: MemberState; trusted: boolean };
  now: number;
  /** How long after a lot or hold lapses housekeeping may take to write its entry. */
  graceMs: number;
}

export function auditMember({ entries, live, cached, now, graceMs }: MemberAuditInputs): MemberAudit {
  const { tenantId, memberId } = live;
  const found: Mismatch[] = [];
  const mismatch = (kind: MismatchKind, message: string) => found.push({ kind, tenantId, memberId, message });
  const replayed = replay(entries, tenantId, memberId, mismatch);
  if (!replayed) return { mismatches: found, replayed: undefined, outstanding: 0, underReview: 0 };

  let lotPoints = 0;
  let underReview = 0;
  for (const lot of replayed.lots) {
    lotPoints += lot.points;
    if (lot.availableAt === UNDER_REVIEW) underReview += lot.points;
    if (lot.points <= 0) mismatch('lots', `lot expiring ${lot.expiresAt} holds ${lot.points} points`);
    if (lot.expiresAt !== NEVER_EXPIRES && lot.expiresAt + graceMs < now) {
      mismatch('lapsed_lot', `${lot.points} points lapsed at ${iso(lot.expiresAt)} have no EXPIRE entry`);
    }
  }
  if (replayed.balance !== lotPoints - replayed.debt) {
    mismatch('lots', `balance ${replayed.balance} ≠ lots ${lotPoints} − debt ${replayed.debt}`);
  }
  checkHolds(entries, replayed, now, graceMs, mismatch);
  const differs = differenceOf(accountOf(live), accountOf(replayed));
  if (differs) mismatch('state', `the engine's state differs from the replayed ledger: ${differs}`);
  if (cached) checkCache(cached, replayed, mismatch);
  return { mismatches: found, replayed, outstanding: replayed.balance - underReview, underReview };
}

/** The figures an account is made of, for comparing states. */
export function accountOf(state: MemberState): Record<string, unknown> {
  return {
    seq: state.seq,
    balance: state.balance,
    debt: state.debt,
    lots: state.lots.map((l) => [l.expiresAt, l.availableAt ?? 0, l.points]),
    holds: state.holds.map((h) => [h.holdId, h.points, h.expiresAt]),
    lifetimeEarned: state.lifetimeEarned,
    lifetimeRedeemed: state.lifetimeRedeemed,
    tier: state.tier,
    tierValidUntil: state.tierValidUntil,
  };
}

function replay(
  entries: LedgerEntry[],
  tenantId: string,
  memberId: string,
  mismatch: (kind: MismatchKind, message: string) => void,
): MemberState | undefined {
  const state = emptyState(tenantId, memberId);
  let running = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.seq !== i + 1) {
      mismatch('seq_gap', `entry ${i + 1} is missing (found seq ${entry.seq} next)`);
      return undefined;
    }
    running += entry.points;
    if (entry.balanceAfter !== running) {
      mismatch('balance_chain', `seq ${entry.seq}: balance_after ${entry.balanceAfter} ≠ sum of entries ${running}`);
    }
    try {
      applyEntry(state, entry);
    } catch (err) {
      mismatch('replay', `seq ${entry.seq} cannot be replayed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
  return state;
}

/** Open holds must be exactly the HOLD entries no CAPTURE or RELEASE settled, none lapsed past housekeeping. */
function checkHolds(
  entries: LedgerEntry[],
  replayed: MemberState,
  now: number,
  graceMs: number,
  mismatch: (kind: MismatchKind, message: string) => void,
): void {
  const open = new Map<string, number>();
  for (const e of entries) {
    const hold = e.detail?.hold;
    if (!hold) continue;
    if (e.type === 'hold') open.set(hold.holdId, hold.points);
    else if (!open.delete(hold.holdId)) mismatch('holds', `seq ${e.seq} settles hold ${hold.holdId}, which is not open`);
  }
  for (const hold of replayed.holds) {
    if (open.get(hold.holdId) !== hold.points) mismatch('holds', `hold ${hold.holdId} of ${hold.points} points has no open HOLD entry`);
    open.delete(hold.holdId);
    if (hold.points <= 0) mismatch('holds', `hold ${hold.holdId} holds ${hold.points} points`);
    if (hold.expiresAt + graceMs < now) mismatch('lapsed_hold', `hold ${hold.holdId} lapsed at ${iso(hold.expiresAt)} is not released`);
  }
  for (const holdId of open.keys()) mismatch('holds', `HOLD ${holdId} is open on the ledger but not in the replayed state`);
}

function checkCache(
  cached: { state: MemberState; trusted: boolean },
  replayed: MemberState,
  mismatch: (kind: MismatchKind, message: string) => void,
): void {
  const copy = cached.state;
  if (copy.seq > replayed.seq) mismatch('cache_ahead', `the cache holds seq ${copy.seq}, the ledger ends at ${replayed.seq}`);
  else if (copy.seq < replayed.seq) {
    // An untrusted copy (older epoch) is never served; a trusted stale one would be.
    if (cached.trusted) mismatch('cache_stale', `the cache holds seq ${copy.seq}, the ledger ${replayed.seq}`);
  } else {
    const differs = differenceOf(accountOf(copy), accountOf(replayed));
    if (differs) mismatch('cache_differs', `the cache's copy at seq ${copy.seq} differs from the ledger: ${differs}`);
  }
}

/** The first field two accounts disagree on, as `field: a ≠ b`, or '' when equal. */
function differenceOf(a: Record<string, unknown>, b: Record<string, unknown>): string {
  for (const key of Object.keys(b)) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x !== y) return `${key}: ${x} ≠ ${y}`;
  }
  return '';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
